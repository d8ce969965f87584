"""Safety statements: scoped, cited warnings."""

from rest_framework import serializers

from api.serializers.common import (
    CitationsField,
    CompoundSummarySerializer,
    DisorderSummarySerializer,
    ProfileFactorSummarySerializer,
    link,
)
from guidance.models import SafetyStatement


class SafetyStatementListSerializer(serializers.ModelSerializer):
    disorder = DisorderSummarySerializer(allow_null=True)
    compound = CompoundSummarySerializer(allow_null=True)
    profile_factor = ProfileFactorSummarySerializer(allow_null=True)
    url = link("safetystatement-detail")

    class Meta:
        model = SafetyStatement
        fields = [
            "slug",
            "title",
            "severity",
            "trigger",
            "disorder",
            "compound",
            "profile_factor",
            "url",
        ]


class SafetyStatementDetailSerializer(SafetyStatementListSerializer):
    references = CitationsField()

    class Meta(SafetyStatementListSerializer.Meta):
        fields = [*SafetyStatementListSerializer.Meta.fields, "message", "references"]
