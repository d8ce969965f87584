"""Guidance: the cited pairings, in lists, in detail and grouped by phase inside a disorder."""

from rest_framework import serializers

from api.serializers.common import (
    CitationsField,
    CompoundSummarySerializer,
    DisorderSummarySerializer,
    ModalitySummarySerializer,
    ProfileFactorSummarySerializer,
    ProvenanceField,
    link,
    locator_field,
)
from api.serializers.grading import CertaintyField
from guidance.models import Guidance


class GuidanceListSerializer(serializers.ModelSerializer):
    disorder = DisorderSummarySerializer(allow_null=True)
    compound = CompoundSummarySerializer(allow_null=True)
    profile_factor = ProfileFactorSummarySerializer(allow_null=True)
    modality = ModalitySummarySerializer()
    provenance = ProvenanceField()
    certainty = CertaintyField()
    url = link("guidance-detail")

    class Meta:
        model = Guidance
        fields = [
            "slug",
            "disorder",
            "compound",
            "profile_factor",
            "modality",
            "phase",
            "strength",
            "kind",
            "direction",
            "certainty",
            "provenance",
            "published_at",
            "url",
        ]


class GuidanceDetailSerializer(GuidanceListSerializer):
    references = CitationsField()
    locator = locator_field()

    class Meta(GuidanceListSerializer.Meta):
        fields = [
            *GuidanceListSerializer.Meta.fields,
            "rationale",
            "references",
            "locator",
            "certainty_rationale",
        ]


class GuidanceItemSerializer(serializers.ModelSerializer):
    """A guidance row inside a disorder, already grouped by compound and phase."""

    profile_factor = ProfileFactorSummarySerializer(allow_null=True)
    modality = ModalitySummarySerializer()
    references = CitationsField()
    provenance = ProvenanceField()
    locator = locator_field()
    certainty = CertaintyField()
    url = link("guidance-detail")

    class Meta:
        model = Guidance
        fields = [
            "slug",
            "modality",
            "profile_factor",
            "strength",
            "kind",
            "direction",
            "certainty",
            "rationale",
            "references",
            "provenance",
            "locator",
            "published_at",
            "url",
        ]


class GuidanceByPhaseSerializer(serializers.Serializer):
    preparation = GuidanceItemSerializer(many=True)
    medication_session = GuidanceItemSerializer(many=True)
    integration = GuidanceItemSerializer(many=True)


class GuidanceGroupSerializer(serializers.Serializer):
    """A disorder's guidance for one compound (null: guidance for any compound), by phase."""

    compound = CompoundSummarySerializer(allow_null=True)
    phases = GuidanceByPhaseSerializer()
