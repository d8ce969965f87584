"""Medication classes with their members' codes, and cited interactions with compounds."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import (
    CitationsField,
    CompoundLinkSerializer,
    MedicationClassLinkSerializer,
    NullableModelSerializer,
    OptionalCharField,
    OptionalChoiceField,
    ProvenanceField,
    StatementSerializer,
    link,
    locator_field,
    statement,
)
from compounds.models import CompoundClass
from medications.models import (
    ATC_SYSTEM,
    Interaction,
    InteractionReliability,
    Medication,
    MedicationClass,
)

ATC_HELP = (
    f"WHO ATC code (system {ATC_SYSTEM}); null until an editor has checked one in the ATC/DDD "
    "index."
)
ATC_SOURCE_HELP = "Where the code was checked; null with no code."


class MedicationSerializer(NullableModelSerializer):
    """One medication of a class, with its standard code."""

    atc_code = OptionalCharField(help_text=ATC_HELP)
    atc_source = OptionalCharField(help_text=ATC_SOURCE_HELP)

    class Meta:
        model = Medication
        fields = ["slug", "name", "atc_code", "atc_source"]


class MedicationClassListSerializer(NullableModelSerializer):
    """A medication class and its members; `medications=` on plans takes either's slug."""

    description = OptionalCharField()
    atc_code = OptionalCharField(
        help_text=f"{ATC_HELP} Null for a class that spans several ATC groups."
    )
    atc_source = OptionalCharField(help_text=ATC_SOURCE_HELP)
    members = MedicationSerializer(many=True, read_only=True)
    url = link("medicationclass-detail")

    class Meta:
        model = MedicationClass
        fields = ["slug", "name", "description", "atc_code", "atc_source", "members", "url"]


class MedicationClassDetailSerializer(MedicationClassListSerializer):
    """A medication class and its members; its interactions are at
    /api/v1/interactions/?medication=<slug>."""


def reliability_field(**kwargs) -> OptionalChoiceField:
    return OptionalChoiceField(
        choices=InteractionReliability.choices,
        help_text="How well the judgement is supported: proven, inferred or hypothetical "
        "(Mixtures.info's pattern); null when no finding is recorded.",
        **kwargs,
    )


RISK_BASIS_HELP = "Why this risk level: an editor's judgement from what the source states."


class InteractionSerializer(NullableModelSerializer):
    """A cited judgement on taking a medication class with a compound or class of compounds.

    Its statements come from sources outside the article (provenance `cited_source`). A pair
    with no interaction has none recorded; that is never a statement that it is safe.
    """

    name = serializers.CharField(read_only=True)
    compound = CompoundLinkSerializer(
        allow_null=True, help_text="The compound; null when a class of compounds is named."
    )
    compound_class = OptionalChoiceField(
        choices=CompoundClass.choices,
        help_text="The class of compounds it covers (classic_psychedelic: psilocybin and LSD); "
        "null when a compound is named.",
    )
    medication_class = MedicationClassLinkSerializer()
    reliability = reliability_field()
    summary = serializers.CharField(help_text="What the source states of this combination.")
    references = CitationsField()
    provenance = ProvenanceField()
    locator = locator_field()
    risk_basis = serializers.CharField(help_text=RISK_BASIS_HELP)
    management = serializers.SerializerMethodField(
        help_text="What to do, only where a source gives advice: a cited statement; null where "
        "no source does."
    )
    url = link("interaction-detail")

    class Meta:
        model = Interaction
        fields = [
            "slug",
            "name",
            "compound",
            "compound_class",
            "medication_class",
            "effect",
            "risk",
            "reliability",
            "summary",
            "references",
            "provenance",
            "locator",
            "risk_basis",
            "management",
            "url",
        ]

    @extend_schema_field(StatementSerializer(allow_null=True))
    def get_management(self, interaction: Interaction) -> dict | None:
        declared = next(s for s in Interaction.STATEMENTS if s.text == "management")
        return statement(interaction, declared, self.context)
