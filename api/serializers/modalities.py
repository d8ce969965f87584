"""Modalities: the phases they serve, their techniques and the guidance that pairs them."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import (
    CitationsField,
    DisorderLinkSerializer,
    NullableModelSerializer,
    PhaseSerializer,
    ProvenanceField,
    link,
    locator_field,
    phase_list,
)
from api.serializers.guidance import GuidanceDetailSerializer
from modalities.models import Modality


class ModalityListSerializer(NullableModelSerializer):
    """A psychotherapy approach that can guide the window a psychoplastogen opens."""

    phases = serializers.SerializerMethodField(
        help_text="The treatment phases the modality serves, in treatment order."
    )
    url = link("modality-detail")

    @extend_schema_field(PhaseSerializer(many=True))
    def get_phases(self, modality: Modality) -> list[dict]:
        return phase_list(modality.phases)

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

    @extend_schema_field(DisorderLinkSerializer(many=True))
    def get_disorders(self, modality: Modality) -> list:
        disorders = {row.disorder for row in modality.guidance.all() if row.disorder}
        ordered = sorted(disorders, key=lambda d: d.name)
        return DisorderLinkSerializer(ordered, many=True, context=self.context).data
