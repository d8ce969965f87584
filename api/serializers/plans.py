"""A recommendation plan: ranked, explained items by phase, with the warnings that apply."""

from collections.abc import Callable, Iterable, Sequence
from urllib.parse import quote

from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from api.serializers.common import (
    CITATION_FIELDS,
    CitationsField,
    CompoundLinkSerializer,
    DisorderLinkSerializer,
    GuidanceLinkSerializer,
    InteractionLinkSerializer,
    MedicationClassLinkSerializer,
    ModalityLinkSerializer,
    OptionalCharField,
    PhaseSerializer,
    ProfileFactorLinkSerializer,
    ProvenanceField,
    RelatedLinkField,
    link,
    locator_field,
    phase_list,
    reference_url,
    reverse,
)
from api.serializers.compounds import PLASTICITY_STATEMENT, PlasticitySerializer
from api.serializers.grading import CertaintyField
from api.serializers.medications import RISK_BASIS_HELP, reliability_field
from compounds.models import Compound
from content.text import in_sentence, lines
from evidence.models import EvidenceType, Reference
from guidance.grading import Direction, Kind
from guidance.models import GuidanceStrength, Severity
from guidance.recommendations import (
    CERTAINTY_POINTS,
    CONTENT_GAP,
    INHERITED_DISORDER_PENALTY,
    INTERACTION,
    NO_EVIDENCE,
    PROFILE_POINTS,
    SCORE_MAX,
    SPECIFICITY_POINTS,
    STRENGTH_POINTS,
    WARNING_KINDS,
    CoMedication,
    Match,
    Plan,
    PlanWarning,
    Recommendation,
    ScoreComponents,
    Specificity,
    Verdict,
    cited,
)
from medications.models import Interaction, InteractionEffect, InteractionRisk
from modalities.models import TreatmentPhase

# What a plan's (and a matrix cell's) evidence level can be: the strongest evidence type behind
# the guidance specific to the disorder and compound, or 'none' when there is no such guidance.
EVIDENCE_LEVELS = [
    *EvidenceType.choices,
    (NO_EVIDENCE, "No guidance specific to this disorder and compound"),
]


def evidence_level_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=EVIDENCE_LEVELS,
        help_text="The strongest evidence type behind any guidance specific to this disorder and "
        "compound, or 'none'.",
        **kwargs,
    )


class ScopeSerializer(serializers.Serializer):
    """What a guidance row is scoped to; null means 'any'."""

    disorder = DisorderLinkSerializer(allow_null=True)
    compound = CompoundLinkSerializer(allow_null=True)
    profile_factor = ProfileFactorLinkSerializer(allow_null=True)


def _points(table: dict) -> str:
    """Spell out an engine's points table, e.g. 'trial 30, standard 30, framework 20'."""
    return ", ".join(f"{key} {value}" for key, value in table.items())


class ScoreComponentsSerializer(serializers.Serializer):
    """The parts of an item's score; the help texts are read from the engine's own tables."""

    specificity = serializers.IntegerField(
        help_text=f"What the leading row is scoped to: {_points(SPECIFICITY_POINTS)}; "
        f"{INHERITED_DISORDER_PENALTY} less when the row belongs to a broader disorder."
    )
    profile_factor = serializers.IntegerField(
        source="profile",
        help_text=f"{PROFILE_POINTS} when any guidance behind the item was chosen for one of the "
        "given profile factors, else 0.",
    )
    strength = serializers.IntegerField(
        help_text=f"How the leading row is supported: {_points(STRENGTH_POINTS)}."
    )
    evidence = serializers.IntegerField(
        help_text=f"Certainty of the leading row's evidence: {_points(CERTAINTY_POINTS)}; a good "
        "practice statement 0."
    )


class SupportingGuidanceSerializer(serializers.Serializer):
    """Another guidance row recommending the same modality in the same phase, and how it matched."""

    slug = serializers.SlugField(source="guidance.slug")
    name = serializers.CharField(source="guidance.name")
    url = RelatedLinkField(
        view_name="guidance-detail", lookup_field="slug", source="guidance", read_only=True
    )
    specificity = serializers.ChoiceField(choices=Specificity.choices)
    scope = ScopeSerializer(source="guidance")
    rationale = serializers.CharField(source="guidance.rationale")
    references = CitationsField(source="guidance.references")
    provenance = ProvenanceField(source="guidance.provenance")
    locator = locator_field(source="guidance.locator")
    kind = serializers.ChoiceField(choices=Kind.choices, source="guidance.kind")
    certainty = CertaintyField(source="guidance.certainty")


class RecommendationItemSerializer(serializers.Serializer):
    """One modality in one phase, led by its best-scoring guidance row."""

    modality = ModalityLinkSerializer()
    phase = serializers.ChoiceField(choices=TreatmentPhase.choices)
    score = serializers.IntegerField(help_text="The sum of score_components.")
    score_components = ScoreComponentsSerializer(source="components")
    specificity = serializers.ChoiceField(
        source="lead.specificity",
        choices=Specificity.choices,
        help_text="What the leading guidance row matched on.",
    )
    inherited_from = DisorderLinkSerializer(
        source="lead.inherited_from",
        allow_null=True,
        help_text="The broader disorder whose guidance this is, when not the disorder asked.",
    )
    leading_guidance = GuidanceLinkSerializer(
        source="lead.guidance",
        help_text="The guidance row that leads the item; the fields below, up to "
        "certainty_rationale, are that row's.",
    )
    strength = serializers.ChoiceField(
        choices=GuidanceStrength.choices, source="lead.guidance.strength"
    )
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
    certainty_rationale = OptionalCharField(source="lead.guidance.certainty_rationale")
    supporting = SupportingGuidanceSerializer(
        many=True, help_text="The other guidance rows behind the item, best first."
    )


class PlanPhaseSerializer(PhaseSerializer):
    """One phase of the plan: its top approach, then every item ranked by score."""

    top = RecommendationItemSerializer(
        allow_null=True,
        help_text="The item holding the best-scoring guidance specific to this disorder or "
        "compound, where the phase has any; otherwise the phase's best item; null when the "
        "phase has none.",
    )
    items = RecommendationItemSerializer(many=True)


class InteractionJudgementSerializer(serializers.Serializer):
    """The interaction behind a warning of kind interaction: what it joins and how it is judged."""

    slug = serializers.SlugField()
    url = link("interaction-detail")
    medication_class = MedicationClassLinkSerializer()
    effect = serializers.ChoiceField(choices=InteractionEffect.choices)
    risk = serializers.ChoiceField(choices=InteractionRisk.choices)
    reliability = reliability_field()
    risk_basis = serializers.CharField(help_text=RISK_BASIS_HELP)
    management = OptionalCharField(
        help_text="What to do, where a source gives advice (cited by the warning's references); "
        "null where no source does."
    )


class WarningSerializer(serializers.Serializer):
    """A safety statement that applies to the plan, or the service's own warning that its
    content lacks what every plan needs (kind content_gap)."""

    slug = serializers.SlugField(
        source="code",
        help_text="The safety statement's slug, a stable code to match on; for content_gap, the "
        "service's own code (e.g. incomplete-plan-integration).",
    )
    url = serializers.SerializerMethodField(
        help_text="The safety statement; null for content_gap, which is no safety statement."
    )
    kind = serializers.ChoiceField(
        choices=WARNING_KINDS,
        help_text="contraindication, precaution, standard or evidence_gap (a safety statement's "
        "kind), interaction (a recorded interaction with one of the patient's medications), or "
        "content_gap (the service's own warning that content is missing).",
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
    interaction = InteractionJudgementSerializer(
        allow_null=True,
        help_text="For kind interaction: the interaction's effect, risk and reliability; null "
        "otherwise.",
    )

    def get_url(self, warning: PlanWarning) -> str | None:
        if warning.kind == CONTENT_GAP:
            return None
        return reverse(
            "interaction-detail" if warning.kind == INTERACTION else "safetystatement-detail",
            kwargs={"slug": warning.code},
            request=self.context.get("request"),
        )


class CoMedicationSerializer(serializers.Serializer):
    """One of the medication classes the request named, and what is recorded of it with the
    plan's compound."""

    medication_class = MedicationClassLinkSerializer()
    interactions_recorded = serializers.BooleanField(
        source="recorded",
        help_text="Whether any interaction of the compound with this class is recorded. False "
        "means none is recorded, never that the combination is safe.",
    )
    interactions = InteractionLinkSerializer(
        many=True,
        help_text="The interactions recorded, worst risk first; each is also among the plan's "
        "contraindications (risk dangerous) or warnings.",
    )
    message = serializers.SerializerMethodField(help_text="What to show a clinician, in words.")

    def get_message(self, item: CoMedication) -> str:
        return co_medication_message(item, self.context["plan_compound"])


def co_medication_message(item: CoMedication, compound: Compound) -> str:
    """What to show a clinician of one medication class the request named, in words."""
    name = in_sentence(item.medication_class.name)
    if item.recorded:
        count = len(item.interactions)
        return (
            f"{count} interaction{'s' if count > 1 else ''} of {compound.name} with {name} "
            "recorded; see the plan's contraindications and warnings."
        )
    return (
        f"No interaction of {compound.name} with {name} is recorded in this service's "
        "sources. That is not a statement that the combination is safe."
    )


class ScoreMaxSerializer(ScoreComponentsSerializer):
    """The highest each component can be, and ``total``, the highest score."""

    total = serializers.IntegerField(help_text="The highest score an item can have.")


class PlanSerializer(serializers.Serializer):
    """A phased, ranked, explained psychotherapy plan. What a client must show comes first:
    the verdict and overall certainty, the contraindications, the warnings and the disclaimer."""

    verdict = serializers.ChoiceField(
        choices=Verdict.choices,
        help_text="contraindicated: a contraindication in the content applies, or an interaction "
        "of risk dangerous with a medication the request named (the plan is still "
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
        many=True,
        help_text="The safety statements of kind contraindication that apply, then the "
        "interactions of risk dangerous with a medication the request named.",
    )
    warnings = WarningSerializer(
        many=True,
        help_text="The other safety statements that apply (precautions, standards, evidence "
        "gaps), the other interactions with a medication the request named, and warnings that "
        "the content lacks a minimum standard.",
    )
    disclaimer = serializers.SerializerMethodField()
    disorder = DisorderLinkSerializer()
    compound = CompoundLinkSerializer()
    profile_factors = ProfileFactorLinkSerializer(
        many=True, source="profile", help_text="The clinical-profile factors asked for."
    )
    co_medications = serializers.SerializerMethodField(
        help_text="Each medication class asked for (`medications=`), in the order given, with "
        "the interactions recorded for it with this compound, or the statement that none is "
        "recorded (never that the combination is safe). Empty when none was asked for."
    )
    plasticity = PlasticitySerializer(source="compound")
    score_max = serializers.SerializerMethodField(
        help_text="The highest each score component can be, and the highest score."
    )
    phases = serializers.SerializerMethodField(
        help_text="Every phase, in treatment order, with its top approach and its items ranked "
        "by score."
    )
    recommendations = RecommendationItemSerializer(
        many=True,
        help_text="Every item, in treatment order (preparation, medication session, "
        "integration) and by score within each phase: the order a plan is carried out in.",
    )
    evidence_level = evidence_level_field()
    has_pairing_evidence = serializers.BooleanField(
        help_text="Whether any guidance is specific to this disorder and compound."
    )
    content_version = serializers.SerializerMethodField()

    @extend_schema_field(PlanPhaseSerializer(many=True))
    def get_phases(self, plan) -> list[dict]:
        phases = phase_list(TreatmentPhase.values, top=plan.tops.get, items=plan.phases.get)
        return PlanPhaseSerializer(phases, many=True, context=self.context).data

    @extend_schema_field(CoMedicationSerializer(many=True))
    def get_co_medications(self, plan) -> list[dict]:
        context = {**self.context, "plan_compound": plan.compound}
        return CoMedicationSerializer(plan.co_medications, many=True, context=context).data

    @extend_schema_field(ScoreMaxSerializer)
    def get_score_max(self, plan) -> dict:
        return ScoreMaxSerializer(SCORE_MAX).data

    def get_content_version(self, plan) -> str:
        return self.context["content_version"]

    def get_disclaimer(self, plan) -> str:
        return self.context["disclaimer"]


# --- The plan document, built by plain functions -------------------------------------------------
#
# The serializers above declare the plan for the OpenAPI document; the endpoint builds the same
# document with the plain functions below. DRF's fields cost far more than the plan itself (a
# deep copy of every nested serializer's fields per item, and a lookup per attribute), so a plan
# of ~30 cited items took several milliseconds to serialize. tests/api/test_plan_documents.py
# holds both to the same bytes for every disorder with every compound.

# The characters reverse() leaves unquoted in a URL's path, as in common.reference_url.
URL_SAFE = RFC3986_SUBDELIMS + "/~:@"
# The one DateTimeField the documents format their times with, as the serializers do.
_DATETIME = serializers.DateTimeField()


def choice(value) -> str | None:
    """A value of a vocabulary as a ChoiceField shows it: the plain string ('' and None kept)."""
    return value if value in ("", None) else str(value)


class DocumentLinks:
    """The links and citations of one response document, each made once per request.

    A row's URL is its resource's list URL (reversed once per resource) followed by its slug, as
    the router's detail route is; a link (``{slug, name, url}``) or a citation shown many times
    is one dict, shown as LinkSerializer and CitationsField show it.
    """

    def __init__(
        self,
        request: Request | None,
        citation_parts: dict[int, dict] | None = None,
        list_path: Callable[[str], str] | None = None,
    ):
        self.request = request
        # Citations made beforehand, by reference id, their ``url`` a path under the references
        # list's (api.documents.citation_parts); None: each is made from its reference here.
        self.citation_parts = citation_parts
        # A resource's list path by basename, reversed beforehand (api.readmodel); None: each
        # is reversed here, once per request.
        self.list_path = list_path
        self._prefixes: dict[str, str] = {}
        self._urls: dict[tuple[str, str], str] = {}
        self._links: dict[tuple[str, str], dict] = {}
        self._citations: dict[int, dict] = {}

    def prefix(self, basename: str) -> str:
        """The URL of a resource's list, by its basename (``disorder`` ...)."""
        found = self._prefixes.get(basename)
        if found is None and self.list_path is not None and self.request is not None:
            path = self.list_path(basename)
            found = self._prefixes[basename] = self.request.build_absolute_uri(path)
        if found is None:
            found = self._prefixes[basename] = reverse(f"{basename}-list", request=self.request)
        return found

    def url(self, basename: str, slug: str) -> str:
        """The URL of a row's detail, by its resource's basename and its slug."""
        key = (basename, slug)
        found = self._urls.get(key)
        if found is None:
            found = self._urls[key] = f"{self.prefix(basename)}{quote(slug, safe=URL_SAFE)}/"
        return found

    def link(self, basename: str, row) -> dict:
        """A row as every response links to it: its slug, name and URL."""
        key = (basename, row.slug)
        found = self._links.get(key)
        if found is None:
            found = self._links[key] = {
                "slug": row.slug,
                "name": row.name,
                "url": self.url(basename, row.slug),
            }
        return found

    def optional_link(self, basename: str, row) -> dict | None:
        return None if row is None else self.link(basename, row)

    def citations(self, references: Iterable[Reference]) -> list[dict]:
        """References as a statement cites them (``CITATION_FIELDS``)."""
        shown = []
        for reference in references:
            entry = self._citations.get(reference.pk)
            parts = None if self.citation_parts is None else self.citation_parts.get(reference.pk)
            if entry is None and parts is not None:
                entry = self._citations[reference.pk] = {
                    **parts,
                    "url": self.prefix("reference") + parts["url"],
                }
            if entry is None:
                entry = self._citations[reference.pk] = {
                    name: reference_url(self.prefix("reference"), reference)
                    if name == "url"
                    else getattr(reference, name)
                    for name in CITATION_FIELDS
                }
            shown.append(entry)
        return shown


def _components(components: ScoreComponents) -> dict:
    return {
        "specificity": components.specificity,
        "profile_factor": components.profile,
        "strength": components.strength,
        "evidence": components.evidence,
    }


def _supporting(match: Match, links: DocumentLinks) -> dict:
    row = match.guidance
    return {
        "slug": row.slug,
        "name": row.name,
        "url": links.url("guidance", row.slug),
        "specificity": choice(match.specificity),
        "scope": {
            "disorder": links.optional_link("disorder", row.disorder),
            "compound": links.optional_link("compound", row.compound),
            "profile_factor": links.optional_link("profilefactor", row.profile_factor),
        },
        "rationale": row.rationale,
        "references": links.citations(cited(row)),
        "provenance": choice(row.provenance) or None,
        "locator": lines(row.locator or ""),
        "kind": choice(row.kind),
        "certainty": row.certainty or None,
    }


def recommendation_item(item: Recommendation, links: DocumentLinks) -> dict:
    """One item of a plan, as RecommendationItemSerializer declares it."""
    lead = item.lead
    row = lead.guidance
    return {
        "modality": links.link("modality", item.modality),
        "phase": choice(item.phase),
        "score": item.score,
        "score_components": _components(item.components),
        "specificity": choice(lead.specificity),
        "inherited_from": links.optional_link("disorder", lead.inherited_from),
        "leading_guidance": links.link("guidance", row),
        "strength": choice(row.strength),
        "published_at": _DATETIME.to_representation(row.published_at),
        "rationale": row.rationale,
        "references": links.citations(cited(row)),
        "provenance": choice(row.provenance) or None,
        "locator": lines(row.locator or ""),
        "kind": choice(row.kind),
        "direction": choice(row.direction),
        "certainty": row.certainty or None,
        "certainty_rationale": row.certainty_rationale or None,
        "supporting": [_supporting(match, links) for match in item.supporting],
    }


def _interaction(interaction: Interaction, links: DocumentLinks) -> dict:
    return {
        "slug": interaction.slug,
        "url": links.url("interaction", interaction.slug),
        "medication_class": links.link("medicationclass", interaction.medication_class),
        "effect": choice(interaction.effect),
        "risk": choice(interaction.risk),
        "reliability": choice(interaction.reliability) or None,
        "risk_basis": interaction.risk_basis,
        "management": interaction.management or None,
    }


def plan_warning(warning: PlanWarning, links: DocumentLinks) -> dict:
    """A contraindication or warning of a plan, as WarningSerializer declares it."""
    if warning.kind == CONTENT_GAP:
        url = None
    else:
        basename = "interaction" if warning.kind == INTERACTION else "safetystatement"
        url = links.url(basename, warning.code)
    return {
        "slug": warning.code,
        "url": url,
        "kind": choice(warning.kind),
        "severity": choice(warning.severity),
        "title": warning.title,
        "message": warning.message,
        "references": links.citations(warning.references),
        "provenance": choice(warning.provenance) or None,
        "locator": lines(warning.locator or ""),
        "interaction": None
        if warning.interaction is None
        else _interaction(warning.interaction, links),
    }


def _co_medication(item: CoMedication, compound: Compound, links: DocumentLinks) -> dict:
    return {
        "medication_class": links.link("medicationclass", item.medication_class),
        "interactions_recorded": item.recorded,
        "interactions": [links.link("interaction", row) for row in item.interactions],
        "message": co_medication_message(item, compound),
    }


def _plasticity(
    compound: Compound, links: DocumentLinks, references: Sequence[Reference] | None
) -> dict:
    """What PlasticitySerializer shows of the compound (its statement's references: as given,
    else the compound's own, read from the database)."""
    text = getattr(compound, PLASTICITY_STATEMENT.text)
    if references is None:
        references = getattr(compound, PLASTICITY_STATEMENT.references).all()
    return {
        "onset_hours": {
            "min": compound.plasticity_onset_min_hours,
            "max": compound.plasticity_onset_max_hours,
        }
        if compound.has_plasticity_onset
        else None,
        "window_duration_hours": compound.plasticity_window_duration_hours,
        "window_duration_note": compound.plasticity_window_duration_note or None,
        "statement": {
            "text": text,
            "references": links.citations(references),
            "provenance": choice(getattr(compound, PLASTICITY_STATEMENT.provenance)) or None,
            "locator": lines(getattr(compound, PLASTICITY_STATEMENT.locator) or ""),
        }
        if text
        else None,
    }


def plan_document(
    plan: Plan,
    *,
    request: Request | None,
    content_version: str,
    disclaimer: str,
    plasticity_references: Sequence[Reference] | None = None,
    citation_parts: dict[int, dict] | None = None,
    list_path: Callable[[str], str] | None = None,
) -> dict:
    """The plan as PlanSerializer declares it, built from the plan alone: each item is made once
    and shown both in its phase and in ``recommendations``. ``plasticity_references``: the
    compound's plasticity statement's references where the caller holds them (api.readmodel),
    else they are read from the database; ``citation_parts`` and ``list_path``: citations and
    list paths made beforehand (see DocumentLinks)."""
    links = DocumentLinks(request, citation_parts, list_path)
    items = {id(item): recommendation_item(item, links) for item in plan.recommendations}

    def top(phase: str) -> dict | None:
        found = plan.tops.get(phase)
        return None if found is None else items[id(found)]

    return {
        "verdict": choice(plan.verdict),
        "overall_certainty": plan.overall_certainty or None,
        "contraindications": [plan_warning(w, links) for w in plan.contraindications],
        "warnings": [plan_warning(w, links) for w in plan.warnings],
        "disclaimer": disclaimer,
        "disorder": links.link("disorder", plan.disorder),
        "compound": links.link("compound", plan.compound),
        "profile_factors": [links.link("profilefactor", factor) for factor in plan.profile],
        "co_medications": [
            _co_medication(item, plan.compound, links) for item in plan.co_medications
        ],
        "plasticity": _plasticity(plan.compound, links, plasticity_references),
        "score_max": {**_components(SCORE_MAX), "total": SCORE_MAX.total},
        "phases": phase_list(
            TreatmentPhase.values,
            top=top,
            items=lambda phase: [items[id(item)] for item in plan.phases[phase]],
        ),
        "recommendations": list(items.values()),
        "evidence_level": choice(plan.evidence_level),
        "has_pairing_evidence": plan.has_pairing_evidence,
        "content_version": content_version,
    }
