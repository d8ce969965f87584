"""Disorders with their cited patterns, risks and guidance."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from api import filters as api_filters
from api.serializers.disorders import DisorderDetailSerializer, DisorderListSerializer
from api.views.base import ContentViewSet
from api.views.guidance import GUIDANCE_ROWS
from disorders.models import Disorder
from evidence.models import citations


@extend_schema_view(
    list=extend_schema(summary="List disorders"),
    retrieve=extend_schema(summary="A disorder with its patterns, risks and guidance by phase"),
)
class DisorderViewSet(ContentViewSet):
    """Disorders the article discusses, with cited patterns, risks and the evidence that exists."""

    queryset = Disorder.objects.select_related("parent").prefetch_related("codes")
    detail_queryset = Disorder.objects.select_related("parent").prefetch_related(
        "codes",
        "subtypes",
        citations("habitual_patterns_references"),
        citations("plasticity_risk_references"),
        citations("references"),
        Prefetch("guidance", queryset=GUIDANCE_ROWS.order_by("slug")),
    )
    table = "disorder"
    serializer_class = DisorderListSerializer
    detail_serializer_class = DisorderDetailSerializer
    filterset_class = api_filters.DisorderFilterSet
    search_fields = ["name", "habitual_patterns", "plasticity_risk", "evidence_summary"]
    ordering_fields = ["name", "category", "slug"]
