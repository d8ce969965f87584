"""Safety statements: scoped, cited warnings."""

from rest_framework import serializers

from api.serializers.common import (
    CitationsField,
    CompoundSummarySerializer,
    DisorderSummarySerializer,
    ProfileFactorSummarySerializer,
    ProvenanceField,
    link,
    locator_field,
)
from compounds.models import CompoundClass
from guidance.models import SafetyStatement


class SafetyStatementListSerializer(serializers.ModelSerializer):
    disorder = DisorderSummarySerializer(allow_null=True)
    compound = CompoundSummarySerializer(allow_null=True)
    profile_factor = ProfileFactorSummarySerializer(allow_null=True)
    compound_class = serializers.ChoiceField(
        choices=CompoundClass.choices,
        allow_null=True,
        help_text="The class of compound it applies to (e.g. the classic psychedelics); null: any.",
    )
    provenance = ProvenanceField()
    url = link("safetystatement-detail")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["compound_class"] = data["compound_class"] or None
        return data

    class Meta:
        model = SafetyStatement
        fields = [
            "slug",
            "title",
            "kind",
            "severity",
            "trigger",
            "disorder",
            "compound",
            "compound_class",
            "profile_factor",
            "provenance",
            "url",
        ]


class SafetyStatementDetailSerializer(SafetyStatementListSerializer):
    references = CitationsField()
    locator = locator_field()

    class Meta(SafetyStatementListSerializer.Meta):
        fields = [*SafetyStatementListSerializer.Meta.fields, "message", "references", "locator"]
