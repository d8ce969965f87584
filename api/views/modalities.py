"""Psychotherapy modalities, their phases and their guidance."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from api import filters as api_filters
from api.serializers.modalities import ModalityDetailSerializer, ModalityListSerializer
from api.views.base import ContentViewSet
from api.views.guidance import GUIDANCE_ROWS
from evidence.models import citations
from modalities.models import Modality


@extend_schema_view(
    list=extend_schema(summary="List psychotherapy modalities"),
    retrieve=extend_schema(
        summary="A modality with its phases and the disorders it is paired with"
    ),
)
class ModalityViewSet(ContentViewSet):
    """Psychotherapy approaches that guide the plasticity window, and the phases they serve."""

    queryset = Modality.objects.all()
    detail_queryset = Modality.objects.prefetch_related(
        citations("references"), Prefetch("guidance", queryset=GUIDANCE_ROWS.order_by("slug"))
    )
    table = "modality"
    serializer_class = ModalityListSerializer
    detail_serializer_class = ModalityDetailSerializer
    filterset_class = api_filters.ModalityFilterSet
    search_fields = ["name", "aims", "key_techniques"]
    ordering_fields = ["name", "lineage", "slug"]
