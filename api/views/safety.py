"""Safety statements."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from api import filters as api_filters
from api.serializers.safety import SafetyStatementDetailSerializer, SafetyStatementListSerializer
from api.views.base import ContentViewSet
from evidence.models import citations
from guidance.models import SafetyStatement


@extend_schema_view(
    list=extend_schema(summary="List safety statements"),
    retrieve=extend_schema(summary="One cited safety statement"),
)
class SafetyStatementViewSet(ContentViewSet):
    """Cited safety statements, scoped to a disorder, compound or profile factor, or to all."""

    queryset = SafetyStatement.objects.select_related("disorder", "compound", "profile_factor")
    detail_queryset = queryset.prefetch_related(citations("references"))
    table = "safety_statement"
    serializer_class = SafetyStatementListSerializer
    detail_serializer_class = SafetyStatementDetailSerializer
    filterset_class = api_filters.SafetyStatementFilterSet
    search_fields = ["title", "message"]
    ordering_fields = ["slug", "severity", "kind"]
