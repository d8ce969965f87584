"""Modalities: the phases they serve, their techniques and the guidance that pairs them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import (
    CitationsField,
    DisorderSummarySerializer,
    ProvenanceField,
    link,
    locator_field,
)
from api.serializers.guidance import GuidanceDetailSerializer
from modalities.models import Modality, TreatmentPhase


class ModalityListSerializer(serializers.ModelSerializer):
    phases = serializers.ListField(
        child=serializers.ChoiceField(choices=TreatmentPhase.choices),
        help_text="Treatment phases the modality serves, in treatment order.",
    )
    url = link("modality-detail")

    class Meta:
        model = Modality
        fields = ["slug", "name", "lineage", "phases", "url"]


class ModalityDetailSerializer(ModalityListSerializer):
    key_techniques = serializers.ListField(child=serializers.CharField(), source="technique_list")
    references = CitationsField()
    provenance = ProvenanceField()
    locator = locator_field()
    disorders = serializers.SerializerMethodField(
        help_text="Disorders that guidance pairs this modality with."
    )
    guidance = GuidanceDetailSerializer(many=True)

    class Meta(ModalityListSerializer.Meta):
        fields = [
            *ModalityListSerializer.Meta.fields,
            "aims",
            "key_techniques",
            "phase_note",
            "minimum_standard_phase",
            "references",
            "provenance",
            "locator",
            "disorders",
            "guidance",
        ]

    @extend_schema_field(DisorderSummarySerializer(many=True))
    def get_disorders(self, modality: Modality) -> list:
        disorders = {row.disorder for row in modality.guidance.all() if row.disorder}
        ordered = sorted(disorders, key=lambda d: d.name)
        return DisorderSummarySerializer(ordered, many=True, context=self.context).data
