"""Guidance: the cited pairings the public sees (published rows only)."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from api import filters as api_filters
from api.serializers.guidance import GuidanceDetailSerializer, GuidanceListSerializer
from api.views.base import ContentViewSet
from evidence.models import citations
from guidance.models import Guidance

# Drafts stay in admin: the public API shows published guidance only.
GUIDANCE_ROWS = (
    Guidance.objects.published()
    .select_related("disorder", "compound", "profile_factor", "modality")
    .prefetch_related(citations("references"))
)


@extend_schema_view(
    list=extend_schema(summary="List guidance"),
    retrieve=extend_schema(summary="One cited pairing of a modality, phase and scope"),
)
class GuidanceViewSet(ContentViewSet):
    """Cited statements pairing a modality, in one phase, with a disorder, compound or profile.

    A row whose disorder, compound and profile factor are all null is general guidance.
    """

    queryset = Guidance.objects.published().select_related(
        "disorder", "compound", "profile_factor", "modality"
    )
    detail_queryset = GUIDANCE_ROWS
    table = "guidance"
    serializer_class = GuidanceListSerializer
    detail_serializer_class = GuidanceDetailSerializer
    filterset_class = api_filters.GuidanceFilterSet
    search_fields = ["rationale", "modality__name", "disorder__name", "compound__name"]
    ordering_fields = ["slug", "phase", "strength", "kind", "certainty"]
