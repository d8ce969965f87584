"""Compounds: psychoplastogens with their mechanisms by level."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from api import filters as api_filters
from api.serializers.compounds import CompoundDetailSerializer, CompoundListSerializer
from api.views.base import ContentViewSet
from compounds.models import Compound, CompoundMechanism
from evidence.models import citations


@extend_schema_view(
    list=extend_schema(summary="List compounds"),
    retrieve=extend_schema(summary="A compound with its mechanisms by level and its evidence"),
)
class CompoundViewSet(ContentViewSet):
    """Psychoplastogens: class, targets, plasticity window and the mechanisms they engage."""

    queryset = Compound.objects.prefetch_related("codes")
    detail_queryset = Compound.objects.prefetch_related(
        "codes",
        citations("references"),
        citations("plasticity_window_references"),
        Prefetch(
            "mechanism_links",
            queryset=CompoundMechanism.objects.select_related("mechanism")
            .prefetch_related(citations("references"))
            .order_by("mechanism__name"),
        ),
    )
    table = "compound"
    serializer_class = CompoundListSerializer
    detail_serializer_class = CompoundDetailSerializer
    filterset_class = api_filters.CompoundFilterSet
    search_fields = ["name", "synonyms", "summary"]
    ordering_fields = ["name", "slug"]
