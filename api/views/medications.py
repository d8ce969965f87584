"""Medication classes and the interactions recorded for them."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from api import filters as api_filters
from api.serializers.medications import (
    InteractionSerializer,
    MedicationClassDetailSerializer,
    MedicationClassListSerializer,
)
from api.views.base import ContentViewSet
from evidence.models import citations
from medications.models import Interaction, Medication, MedicationClass


@extend_schema_view(
    list=extend_schema(summary="List medication classes and their members"),
    retrieve=extend_schema(summary="One medication class, its members and its interactions"),
)
class MedicationClassViewSet(ContentViewSet):
    """Medication classes a patient may already take (lithium, SSRIs, ...), each with its members
    and their WHO ATC codes. `medications=` on a plan takes a class's slug or a member's."""

    queryset = MedicationClass.objects.prefetch_related(
        Prefetch("members", queryset=Medication.objects.order_by("name"))
    )
    detail_queryset = queryset
    serializer_class = MedicationClassListSerializer
    detail_serializer_class = MedicationClassDetailSerializer
    filterset_class = api_filters.MedicationClassFilterSet
    search_fields = ["name", "slug", "members__name", "members__slug"]
    ordering_fields = ["name", "slug"]


@extend_schema_view(
    list=extend_schema(summary="List interactions of compounds with medication classes"),
    retrieve=extend_schema(summary="One cited interaction"),
)
class InteractionViewSet(ContentViewSet):
    """Cited judgements on taking a medication class with a compound (or a class of compounds):
    the effect, a risk level, the reliability of the judgement, and the sources. Every one comes
    from a source outside the article (provenance `cited_source`). No interaction for a pair
    means none is recorded, never that the combination is safe."""

    queryset = Interaction.objects.select_related("compound", "medication_class").prefetch_related(
        citations("references")
    )
    detail_queryset = queryset
    serializer_class = InteractionSerializer
    detail_serializer_class = InteractionSerializer
    filterset_class = api_filters.InteractionFilterSet
    search_fields = ["summary", "slug", "medication_class__name"]
    ordering_fields = ["slug", "risk", "effect"]
