"""Mechanisms of neuroplasticity and the compounds that engage them."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from api import filters as api_filters
from api.serializers.compounds import MechanismDetailSerializer, MechanismListSerializer
from api.views.base import ContentViewSet
from compounds.models import CompoundMechanism, Mechanism
from evidence.models import citations


@extend_schema_view(
    list=extend_schema(summary="List mechanisms"),
    retrieve=extend_schema(summary="A mechanism with the compounds that engage it"),
)
class MechanismViewSet(ContentViewSet):
    """Mechanisms of neuroplasticity at the molecular, cellular, network and behavioral levels."""

    queryset = Mechanism.objects.all()
    detail_queryset = Mechanism.objects.prefetch_related(
        citations("references"),
        Prefetch(
            "compound_links",
            queryset=CompoundMechanism.objects.select_related("compound")
            .prefetch_related(citations("references"))
            .order_by("compound__name"),
        ),
    )
    table = "mechanism"
    serializer_class = MechanismListSerializer
    detail_serializer_class = MechanismDetailSerializer
    filterset_class = api_filters.MechanismFilterSet
    search_fields = ["name", "description"]
    ordering_fields = ["name", "level", "slug"]
