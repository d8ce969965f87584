"""A recommendation plan: ranked, explained items by phase, with the warnings that apply."""

from dataclasses import asdict

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import CitationsField, ProvenanceField, locator_field
from api.serializers.compounds import PlasticitySerializer
from api.serializers.grading import CertaintyField
from guidance.grading import Direction, Kind
from guidance.models import Severity
from guidance.recommendations import (
    CERTAINTY_POINTS,
    INHERITED_DISORDER_PENALTY,
    PROFILE_POINTS,
    SCORE_MAX,
    SPECIFICITY_POINTS,
    STRENGTH_POINTS,
    WARNING_KINDS,
    Specificity,
    Verdict,
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
        help_text=f"Certainty of the leading row's evidence: {_points(CERTAINTY_POINTS)}; a good "
        "practice statement 0."
    )


class SupportingGuidanceSerializer(serializers.Serializer):
    """Another guidance row recommending the same modality in the same phase."""

    slug = serializers.SlugField(source="guidance.slug")
    specificity = serializers.ChoiceField(choices=Specificity.choices)
    scope = ScopeSerializer(source="guidance")
    rationale = serializers.CharField(source="guidance.rationale")
    references = CitationsField(source="guidance.references")
    provenance = ProvenanceField(source="guidance.provenance")
    locator = locator_field(source="guidance.locator")
    kind = serializers.ChoiceField(choices=Kind.choices, source="guidance.kind")
    certainty = CertaintyField(source="guidance.certainty")


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
    provenance = ProvenanceField(source="lead.guidance.provenance")
    locator = locator_field(source="lead.guidance.locator")
    kind = serializers.ChoiceField(
        choices=Kind.choices,
        source="lead.guidance.kind",
        help_text="What the leading guidance is: a recommendation, a good practice statement "
        "(a minimum standard), a pairing proposed or studied only in research, or none.",
    )
    direction = serializers.ChoiceField(choices=Direction.choices, source="lead.guidance.direction")
    certainty = CertaintyField(source="lead.guidance.certainty")
    certainty_rationale = serializers.CharField(
        source="lead.guidance.certainty_rationale", allow_null=True
    )
    supporting = SupportingGuidanceSerializer(many=True)


class PhaseSerializer(serializers.Serializer):
    """One phase of the plan: its top approach, then every item ranked by score."""

    top = RecommendationItemSerializer(
        allow_null=True,
        help_text="The item holding the best-scoring guidance specific to this disorder or "
        "compound, where the phase has any; otherwise the phase's best item; null when the "
        "phase has none.",
    )
    items = RecommendationItemSerializer(many=True)


class PhasePlanSerializer(serializers.Serializer):
    preparation = PhaseSerializer()
    medication_session = PhaseSerializer()
    integration = PhaseSerializer()


def _phases(plan) -> dict:
    return {
        phase: {"top": plan.tops[phase], "items": items} for phase, items in plan.phases.items()
    }


class WarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=WARNING_KINDS,
        help_text="contraindication, precaution, standard or evidence_gap (a safety statement's "
        "kind), or content_gap (the service's own warning that content is missing).",
    )
    severity = serializers.ChoiceField(choices=Severity.choices)
    title = serializers.CharField()
    message = serializers.CharField()
    references = CitationsField()
    provenance = ProvenanceField(
        help_text="Who states it (a safety statement's provenance); null for the service's own "
        "warnings about gaps in the content."
    )
    locator = locator_field()


class ScoreMaxSerializer(ScoreComponentsSerializer):
    """The highest each component can be, and ``total``, the highest score."""

    total = serializers.IntegerField(help_text="The highest score an item can have.")


class PlanSerializer(serializers.Serializer):
    """A phased, ranked, explained psychotherapy plan. What a client must show comes first:
    the verdict and overall certainty, the contraindications, the warnings and the disclaimer."""

    verdict = serializers.ChoiceField(
        choices=Verdict.choices,
        help_text="contraindicated: a contraindication in the content applies (the plan is still "
        "shown, to explain why not); pairing_evidence: guidance specific to this disorder with "
        "this compound exists; no_pairing_evidence: the plan is built from disorder-level and "
        "general guidance only.",
    )
    overall_certainty = CertaintyField(
        help_text="The highest GRADE certainty among the guidance specific to this disorder and "
        "compound; null when there is none (the plan rests on disorder-level and general "
        "guidance)."
    )
    contraindications = WarningSerializer(
        many=True, help_text="The safety statements of kind contraindication that apply."
    )
    warnings = WarningSerializer(
        many=True,
        help_text="The other safety statements that apply (precautions, standards, evidence "
        "gaps), and warnings that the content lacks a minimum standard.",
    )
    disclaimer = serializers.SerializerMethodField()
    disorder = NamedSerializer()
    compound = NamedSerializer()
    profile = NamedSerializer(many=True)
    plasticity = PlasticitySerializer(source="compound")
    score_max = serializers.SerializerMethodField(
        help_text="The highest each score component can be, and the highest score."
    )
    phases = serializers.SerializerMethodField(
        help_text="Each phase's top approach and its items ranked by score, in treatment order."
    )
    recommendations = RecommendationItemSerializer(
        many=True,
        help_text="Every item, in treatment order (preparation, medication session, "
        "integration) and by score within each phase: the order a plan is carried out in.",
    )
    evidence_level = serializers.CharField(
        help_text="The strongest evidence type behind any disorder+compound guidance, or 'none'."
    )
    has_pairing_evidence = serializers.BooleanField(
        help_text="Whether any guidance is specific to this disorder and compound."
    )
    content_version = serializers.SerializerMethodField()

    @extend_schema_field(PhasePlanSerializer)
    def get_phases(self, plan) -> dict:
        return PhasePlanSerializer(_phases(plan), context=self.context).data

    @extend_schema_field(ScoreMaxSerializer)
    def get_score_max(self, plan) -> dict:
        return {**asdict(SCORE_MAX), "total": SCORE_MAX.total}

    def get_content_version(self, plan) -> str:
        return self.context["content_version"]

    def get_disclaimer(self, plan) -> str:
        return self.context["disclaimer"]
