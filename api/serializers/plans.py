"""A recommendation plan: ranked, explained items by phase, with the warnings that apply."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import CitationsField
from guidance.models import Severity
from guidance.recommendations import (
    EVIDENCE_POINTS,
    INHERITED_DISORDER_PENALTY,
    PROFILE_POINTS,
    SPECIFICITY_POINTS,
    STRENGTH_POINTS,
    Specificity,
)
from modalities.models import TreatmentPhase


class NamedSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class ScopeSerializer(serializers.Serializer):
    """What a guidance row is scoped to; null means 'any'."""

    disorder = serializers.SlugField(allow_null=True, source="disorder.slug", default=None)
    compound = serializers.SlugField(allow_null=True, source="compound.slug", default=None)
    profile_factor = serializers.SlugField(
        allow_null=True, source="profile_factor.slug", default=None
    )


def _points(table: dict) -> str:
    """Spell out an engine's points table, e.g. 'trial 30, standard 30, framework 20'."""
    return ", ".join(f"{key} {value}" for key, value in table.items())


class ScoreComponentsSerializer(serializers.Serializer):
    """The parts of an item's score; the help texts are read from the engine's own tables."""

    specificity = serializers.IntegerField(
        help_text=f"What the leading row is scoped to: {_points(SPECIFICITY_POINTS)}; "
        f"{INHERITED_DISORDER_PENALTY} less when the row belongs to a broader disorder."
    )
    profile = serializers.IntegerField(
        help_text=f"{PROFILE_POINTS} when any guidance behind the item was chosen for one of the "
        "given factors, else 0."
    )
    strength = serializers.IntegerField(
        help_text=f"How the leading row is supported: {_points(STRENGTH_POINTS)}."
    )
    evidence = serializers.IntegerField(
        help_text=f"Design of the strongest reference: {_points(EVIDENCE_POINTS)}; none 0."
    )


class SupportingGuidanceSerializer(serializers.Serializer):
    """Another guidance row recommending the same modality in the same phase."""

    slug = serializers.SlugField(source="guidance.slug")
    specificity = serializers.ChoiceField(choices=Specificity.choices)
    scope = ScopeSerializer(source="guidance")
    rationale = serializers.CharField(source="guidance.rationale")
    references = CitationsField(source="guidance.references")


class RecommendationItemSerializer(serializers.Serializer):
    modality = NamedSerializer()
    phase = serializers.ChoiceField(choices=TreatmentPhase.choices)
    score = serializers.IntegerField(help_text="The sum of score_components.")
    score_components = ScoreComponentsSerializer(source="components")
    specificity = serializers.ChoiceField(
        source="lead.specificity",
        choices=Specificity.choices,
        help_text="What the leading guidance row matched on.",
    )
    inherited_from = NamedSerializer(
        source="lead.inherited_from",
        allow_null=True,
        help_text="The broader disorder whose guidance this is, when not the disorder asked.",
    )
    strength = serializers.CharField(source="lead.guidance.strength")
    guidance = serializers.SlugField(source="lead.guidance.slug")
    published_at = serializers.DateTimeField(
        source="lead.guidance.published_at", help_text="When the leading guidance was published."
    )
    rationale = serializers.CharField(source="lead.guidance.rationale")
    references = CitationsField(source="lead.guidance.references")
    supporting = SupportingGuidanceSerializer(many=True)


class PhasePlanSerializer(serializers.Serializer):
    preparation = RecommendationItemSerializer(many=True)
    medication_session = RecommendationItemSerializer(many=True)
    integration = RecommendationItemSerializer(many=True)


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    title = serializers.CharField()
    message = serializers.CharField()
    references = CitationsField()


class PlanWindowSerializer(serializers.Serializer):
    min_hours = serializers.IntegerField(allow_null=True, source="plasticity_window_min_hours")
    max_hours = serializers.IntegerField(allow_null=True, source="plasticity_window_max_hours")
    statement = serializers.CharField(source="plasticity_window_statement")
    references = CitationsField(source="plasticity_window_references")


class PlanSerializer(serializers.Serializer):
    """A phased, ranked, explained psychotherapy plan."""

    disorder = NamedSerializer()
    compound = NamedSerializer()
    profile = NamedSerializer(many=True)
    plasticity_window = serializers.SerializerMethodField()
    recommendations = RecommendationItemSerializer(many=True)
    phases = PhasePlanSerializer()
    evidence_level = serializers.CharField(
        help_text="The strongest evidence type behind any disorder+compound guidance, or 'none'."
    )
    has_pairing_evidence = serializers.BooleanField(
        help_text="Whether any guidance is specific to this disorder and compound."
    )
    warnings = WarningSerializer(many=True)
    content_version = serializers.SerializerMethodField()
    disclaimer = serializers.SerializerMethodField()

    def get_content_version(self, plan) -> str:
        return self.context["content_version"]

    def get_disclaimer(self, plan) -> str:
        return self.context["disclaimer"]

    @extend_schema_field(PlanWindowSerializer(allow_null=True))
    def get_plasticity_window(self, plan) -> dict | None:
        compound = plan.compound
        if not compound.has_plasticity_window and not compound.plasticity_window_statement:
            return None
        return PlanWindowSerializer(compound, context=self.context).data
