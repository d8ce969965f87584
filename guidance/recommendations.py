"""The recommendation engine: a phased, ranked, explained psychotherapy plan for a disorder and a
compound, read entirely from Guidance and SafetyStatement rows.

``recommend`` is a pure function over rows already in memory, so the single-plan endpoint and the
matrix share it and each runs a fixed number of queries. Pairing knowledge lives in the rows; this
module only decides which rows apply and how they rank:

- a row applies when each of its disorder, compound and profile factor is empty or matches (a
  parent disorder's rows apply to its subtypes);
- score = specificity + profile match + strength + evidence design, each a documented number, so a
  caller can see why one item ranks above another; ties break by phase, modality name, slug;
- rows recommending the same modality in the same phase merge into one item, led by the
  highest-scoring row, the others listed as supporting guidance.

The engine reads rows by their attributes, so it runs on model instances (what FHIR and CDS Hooks
read, following the rows' relations) or on lean rows (``GuidanceRow``, ``StatementRow``): the
values of one query per table, with no model instance per row and per relation. The JSON plan and
the matrix are built from lean rows, which makes an uncached answer several times cheaper; the
tests hold both to the same plans.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from django.db import models
from django.db.models import Q, QuerySet

from compounds.models import Compound
from disorders.models import Disorder, ProfileFactor, ancestry
from evidence.models import CITATION_COLUMNS, EvidenceType, Reference, citations
from guidance.grading import Certainty, overall_certainty
from guidance.models import (
    Guidance,
    GuidanceStrength,
    SafetyKind,
    SafetyStatement,
    SafetyTrigger,
    Severity,
)
from medications.models import Interaction, InteractionRisk, MedicationClass
from modalities.models import Modality, TreatmentPhase, by_phase

PHASE_ORDER = {phase: index for index, phase in enumerate(TreatmentPhase.values)}


class Specificity(models.TextChoices):
    """What a guidance row (or safety statement) is scoped to, most specific first."""

    DISORDER_COMPOUND_PROFILE = "disorder_compound_profile", "Disorder, compound and profile"
    DISORDER_COMPOUND = "disorder_compound", "Disorder and compound"
    DISORDER_PROFILE = "disorder_profile", "Disorder and profile"
    DISORDER = "disorder", "Disorder"
    COMPOUND_PROFILE = "compound_profile", "Compound and profile"
    COMPOUND = "compound", "Compound"
    PROFILE = "profile", "Profile"
    GENERAL = "general", "General"

    @classmethod
    def of(cls, row: "Guidance | SafetyStatement") -> "Specificity":
        """Return what the row names among disorder, compound and profile factor."""
        parts = [
            name
            for name, value in (
                ("disorder", row.disorder_id),
                ("compound", row.compound_id),
                ("profile", row.profile_factor_id),
            )
            if value is not None
        ]
        return cls("_".join(parts) or "general")


# How much each kind of match is worth. Matching the disorder and the compound dominates, so that a
# tested pairing outranks general advice; a parent disorder's row counts a little less than the
# disorder's own.
SPECIFICITY_POINTS = {
    Specificity.DISORDER_COMPOUND_PROFILE: 40,
    Specificity.DISORDER_COMPOUND: 40,
    Specificity.DISORDER_PROFILE: 20,
    Specificity.DISORDER: 20,
    Specificity.COMPOUND_PROFILE: 10,
    Specificity.COMPOUND: 10,
    Specificity.PROFILE: 0,
    Specificity.GENERAL: 0,
}
INHERITED_DISORDER_PENALTY = 5
# A row chosen for one of the patient's profile factors is lifted above general advice.
PROFILE_POINTS = 25
STRENGTH_POINTS = {
    GuidanceStrength.TRIAL: 30,
    GuidanceStrength.STANDARD: 30,
    GuidanceStrength.FRAMEWORK: 20,
    GuidanceStrength.COMMON_PRACTICE: 15,
    GuidanceStrength.PROPOSAL: 10,
    GuidanceStrength.INFERRED: 5,
}
# The certainty of the evidence behind a row (guidance/grading.py): within rows of equal strength,
# more certain evidence ranks first. A good practice statement carries no certainty, and no points.
CERTAINTY_POINTS = {
    Certainty.HIGH: 10,
    Certainty.MODERATE: 7,
    Certainty.LOW: 4,
    Certainty.VERY_LOW: 1,
}
EVIDENCE_ORDER = {value: index for index, value in enumerate(EvidenceType.values)}
SEVERITY_ORDER = {value: index for index, value in enumerate(Severity.values)}
NO_EVIDENCE = "none"


@dataclass(frozen=True)
class ScoreComponents:
    """The parts of an item's score; each has a documented maximum (``SCORE_MAX``)."""

    specificity: int
    profile: int
    strength: int
    evidence: int

    @property
    def total(self) -> int:
        """Return the score: the sum of the components."""
        return self.specificity + self.profile + self.strength + self.evidence


SCORE_MAX = ScoreComponents(
    specificity=max(SPECIFICITY_POINTS.values()),
    profile=PROFILE_POINTS,
    strength=max(STRENGTH_POINTS.values()),
    evidence=max(CERTAINTY_POINTS.values()),
)


@dataclass(frozen=True)
class Match:
    """One guidance row that applies to the plan, with its score."""

    guidance: "Guidance | GuidanceRow"
    specificity: Specificity
    inherited_from: "Disorder | RowLink | None"
    components: ScoreComponents

    @property
    def score(self) -> int:
        return self.components.total


@dataclass(frozen=True)
class Recommendation:
    """One modality in one phase, led by its best-scoring guidance row.

    Its score is the lead's, except that the profile points count when any row behind the item
    was chosen for one of the patient's factors: a factor lifts the modality, not one row of it.
    """

    modality: Modality
    phase: str
    lead: Match
    supporting: tuple[Match, ...] = ()

    @property
    def components(self) -> ScoreComponents:
        profile = max(m.components.profile for m in (self.lead, *self.supporting))
        return replace(self.lead.components, profile=profile)

    @property
    def score(self) -> int:
        return self.components.total


CONTENT_GAP = "content_gap"
INTERACTION = "interaction"
# What a plan's warning can be: a safety statement's kind, a recorded interaction with one of the
# patient's medications, or the service's own warning that the content lacks something every
# plan needs.
WARNING_KINDS = [
    *SafetyKind.choices,
    (INTERACTION, "A recorded interaction with one of the patient's medications"),
    (CONTENT_GAP, "Gap in this service's content"),
]
# How an interaction's risk shows in a plan: a dangerous one is a contraindication (it decides the
# verdict); the others are warnings of this severity. An unknown risk is a caution, never info: a
# source speaks of the pair and no level is established, which is no reassurance.
RISK_SEVERITY = {
    InteractionRisk.DANGEROUS: Severity.CRITICAL,
    InteractionRisk.UNSAFE: Severity.CRITICAL,
    InteractionRisk.CAUTION: Severity.CAUTION,
    InteractionRisk.UNKNOWN: Severity.CAUTION,
}
CONTRAINDICATING_RISKS = {InteractionRisk.DANGEROUS}
RISK_ORDER = {value: index for index, value in enumerate(InteractionRisk.values)}


@dataclass(frozen=True)
class PlanWarning:
    """Something a clinician must see with the plan: a safety statement, or a gap in content."""

    code: str
    severity: str
    title: str
    message: str
    references: tuple[Reference, ...] = ()
    # A safety statement's kind; the service's own warnings about gaps in the content are
    # CONTENT_GAP.
    kind: str = CONTENT_GAP
    # Who states it: a safety statement's provenance and locator; empty for the service's own
    # warnings about gaps in the content, which are no clinical claim.
    provenance: str = ""
    locator: str = ""
    # The recorded interaction behind a warning of kind INTERACTION; None otherwise.
    interaction: Interaction | None = None

    @property
    def contraindicates(self) -> bool:
        """Whether it makes the plan's verdict 'contraindicated'."""
        if self.interaction is not None:
            return self.interaction.risk in CONTRAINDICATING_RISKS
        return self.kind == SafetyKind.CONTRAINDICATION

    @classmethod
    def from_interaction(cls, interaction: Interaction, compound: Compound) -> "PlanWarning":
        """The warning a recorded interaction makes in a plan for ``compound``."""
        return cls(
            interaction.slug,
            RISK_SEVERITY[InteractionRisk(interaction.risk)],
            interaction.name_for(compound.name),
            interaction.summary,
            tuple(interaction.references.all()),
            INTERACTION,
            interaction.provenance,
            interaction.locator,
            interaction,
        )

    @classmethod
    def from_statement(cls, statement: "SafetyStatement | StatementRow") -> "PlanWarning":
        return cls(
            statement.slug,
            statement.severity,
            statement.title,
            statement.message,
            tuple(cited(statement)),
            statement.kind,
            statement.provenance,
            statement.locator,
        )


def _gaps(
    recommendations: list[Recommendation], minimum_standards: Sequence[Modality]
) -> list[PlanWarning]:
    """Name what the content fails to give every plan: each modality the sources make the minimum
    standard of a phase (``Modality.minimum_standard_phase``), then any integration at all.

    If an editor removes the rows that supply them, the plan says so instead of quietly omitting
    them.
    """
    gaps = []
    for modality in minimum_standards:
        phase = TreatmentPhase(modality.minimum_standard_phase)
        if not any(r.phase == phase and r.modality.pk == modality.pk for r in recommendations):
            gaps.append(
                PlanWarning(
                    f"incomplete-plan-{phase.value.replace('_', '-')}",
                    Severity.CRITICAL,
                    f"No {modality.name.lower()} in {phase.label.lower()}",
                    f"The content holds no {modality.name.lower()} guidance for the "
                    f"{phase.label.lower()} phase of this plan; the sources make it the minimum "
                    "standard. Ask an editor to restore it.",
                )
            )
    if not any(r.phase == TreatmentPhase.INTEGRATION for r in recommendations):
        gaps.append(
            PlanWarning(
                "incomplete-plan-integration",
                Severity.CRITICAL,
                "No integration guidance",
                "The content holds no integration guidance for this plan. Ask an editor to "
                "restore it.",
            )
        )
    return gaps


class Verdict(models.TextChoices):
    """What a plan answers first."""

    CONTRAINDICATED = "contraindicated", "A contraindication in the content applies"
    PAIRING_EVIDENCE = "pairing_evidence", "Guidance specific to this disorder and compound exists"
    NO_PAIRING_EVIDENCE = (
        "no_pairing_evidence",
        "Built from disorder-level and general guidance only",
    )


# An item is specific when its guidance names the disorder (or a broader one) or the compound;
# a phase's top prefers such an item over general scaffolding.
SPECIFIC = {s for s in Specificity if "disorder" in s.value or "compound" in s.value}


def _is_specific(match: Match) -> bool:
    return match.specificity in SPECIFIC


def phase_top(items: Sequence[Recommendation]) -> Recommendation | None:
    """The top of one phase: the item holding the best-scoring disorder- or compound-specific
    guidance row, where the phase has one; otherwise the phase's best item."""
    specific = [
        (match, item)
        for item in items
        for match in (item.lead, *item.supporting)
        if _is_specific(match)
    ]
    if specific:
        return min(specific, key=lambda pair: _rank_key(pair[0]))[1]
    return items[0] if items else None


@dataclass(frozen=True)
class CoMedication:
    """One of the patient's medication classes, and the interactions recorded for it with the
    plan's compound; none recorded is not a statement that the combination is safe."""

    medication_class: MedicationClass
    interactions: tuple[Interaction, ...] = ()

    @property
    def recorded(self) -> bool:
        return bool(self.interactions)


@dataclass(frozen=True)
class Plan:
    """What the engine answers for one disorder, compound and profile (and co-medications)."""

    disorder: Disorder
    compound: Compound
    profile: tuple[ProfileFactor, ...]
    recommendations: list[Recommendation]
    warnings: list[PlanWarning]
    evidence_level: str
    has_pairing_evidence: bool
    overall_certainty: str | None = None
    contraindications: list[PlanWarning] = field(default_factory=list)
    co_medications: list[CoMedication] = field(default_factory=list)
    phases: dict[str, list[Recommendation]] = field(init=False)
    tops: dict[str, Recommendation | None] = field(init=False)

    def __post_init__(self) -> None:
        phases = by_phase(self.recommendations)
        object.__setattr__(self, "phases", phases)
        object.__setattr__(
            self, "tops", {phase: phase_top(items) for phase, items in phases.items()}
        )

    @property
    def verdict(self) -> Verdict:
        """Contraindicated, else whether guidance specific to the pairing exists."""
        if self.contraindications:
            return Verdict.CONTRAINDICATED
        if self.has_pairing_evidence:
            return Verdict.PAIRING_EVIDENCE
        return Verdict.NO_PAIRING_EVIDENCE


@dataclass(frozen=True, slots=True)
class RowLink:
    """A row that a guidance row names (its modality, disorder, compound or profile factor), as a
    plan reads and links it: key, slug and name, read from the guidance query's own columns."""

    pk: int
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class GuidanceRow:
    """A published guidance row read as values (see ``lean_content_get``), with what the engine
    and a plan document read of it: the same attributes as a ``Guidance`` instance.

    A model instance costs far more to build than these, and a plan holds one per row and per
    relation; the matrix's rows read no text and leave it empty (see ``matrix_content_get``).
    """

    pk: int
    slug: str
    disorder_id: int | None
    compound_id: int | None
    profile_factor_id: int | None
    modality_id: int
    phase: str
    strength: str
    certainty: str
    modality: RowLink
    disorder: RowLink | None
    compound: RowLink | None
    profile_factor: RowLink | None
    references: tuple[Reference, ...] = ()
    kind: str = ""
    direction: str = ""
    rationale: str = ""
    provenance: str = ""
    locator: str = ""
    certainty_rationale: str = ""
    published_at: datetime | None = None

    # The one place a guidance row's name is made, read from these same attributes.
    name = property(Guidance.name.fget)


@dataclass(frozen=True, slots=True)
class StatementRow:
    """A safety statement read as values, with the attributes of a ``SafetyStatement`` that the
    engine and a plan document read."""

    pk: int
    slug: str
    title: str
    message: str
    kind: str
    severity: str
    trigger: str
    disorder_id: int | None
    compound_id: int | None
    compound_class: str
    profile_factor_id: int | None
    provenance: str = ""
    locator: str = ""
    references: tuple[Reference, ...] = ()


def cited(row: "Guidance | GuidanceRow | SafetyStatement | StatementRow") -> Sequence[Reference]:
    """The references a row cites, in citation order: a lean row holds them; a model instance's
    are prefetched (``citations()``)."""
    references = row.references
    return references if isinstance(references, tuple) else references.all()


Scope = tuple[int | None, int | None]


def _by_scope(rows: Iterable[Guidance | SafetyStatement]) -> dict[Scope, list]:
    index: dict[Scope, list] = {}
    for row in rows:
        index.setdefault((row.disorder_id, row.compound_id), []).append(row)
    return index


@dataclass(frozen=True)
class GuidanceContent:
    """The rows the engine reads, fetched once and shared by every plan built from them.

    Rows are indexed by (disorder, compound) so that a plan looks only at the rows that can apply
    to it, however much content there is.
    """

    guidance: list[Guidance | GuidanceRow]
    safety_statements: list[SafetyStatement | StatementRow]
    parents: dict[int, int | None]
    minimum_standards: list[Modality] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)
    _guidance_index: dict[Scope, list[Guidance]] = field(init=False, repr=False)
    _statement_index: dict[Scope, list[SafetyStatement]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_guidance_index", _by_scope(self.guidance))
        object.__setattr__(self, "_statement_index", _by_scope(self.safety_statements))

    def candidates(self, index: dict[Scope, list], chain: list[int], compound_id: int) -> list:
        """Return the rows whose disorder and compound scope can match, in a stable order."""
        scopes = [(None, None), (None, compound_id)]
        for disorder_id in chain:
            scopes += [(disorder_id, None), (disorder_id, compound_id)]
        return [row for scope in scopes for row in index.get(scope, ())]

    def rows_in(self, scope: Scope) -> list[Guidance]:
        """Return the guidance rows scoped to exactly this (disorder, compound)."""
        return self._guidance_index.get(scope, [])

    def guidance_for(self, chain: list[int], compound_id: int) -> list[Guidance]:
        return self.candidates(self._guidance_index, chain, compound_id)

    def statements_for(self, chain: list[int], compound_id: int) -> list[SafetyStatement]:
        return self.candidates(self._statement_index, chain, compound_id)

    def interactions_for(
        self, compound: Compound, medications: Sequence[MedicationClass]
    ) -> list[CoMedication]:
        """Each medication class with the interactions recorded for it with ``compound`` (named,
        or of its class), worst risk first."""
        return [
            CoMedication(
                medication,
                tuple(
                    sorted(
                        (
                            row
                            for row in self.interactions
                            if row.medication_class_id == medication.pk and row.applies_to(compound)
                        ),
                        key=lambda row: (RISK_ORDER[row.risk], row.slug),
                    )
                ),
            )
            for medication in medications
        ]


def _applies(
    row: Guidance | SafetyStatement, chain: list[int], compound: Compound, profile_ids: set[int]
) -> bool:
    return (
        (row.disorder_id is None or row.disorder_id in chain)
        and (row.compound_id is None or row.compound_id == compound.pk)
        and getattr(row, "compound_class", "") in ("", compound.compound_class)
        and (row.profile_factor_id is None or row.profile_factor_id in profile_ids)
    )


def _statements_applying(
    candidates: Iterable[SafetyStatement],
    chain: list[int],
    compound: Compound,
    profile_ids: set[int],
    *,
    has_pairing: bool,
) -> list[SafetyStatement]:
    """The safety statements among ``candidates`` (``GuidanceContent.statements_for``) that
    apply to a plan: in scope, and shown always or only when the plan has no pairing-specific
    guidance, as their trigger says."""
    return [
        statement
        for statement in candidates
        if _applies(statement, chain, compound, profile_ids)
        and (statement.trigger == SafetyTrigger.ALWAYS or not has_pairing)
    ]


def strongest_evidence(references: Iterable[Reference]) -> str:
    """Return the strongest evidence type among references, or 'none'."""
    types = [r.evidence_type for r in references]
    return min(types, key=EVIDENCE_ORDER.__getitem__) if types else NO_EVIDENCE


def score_row(row: "Guidance | GuidanceRow", *, inherited: bool, profile_ids: set[int]) -> Match:
    """Score one applicable guidance row; ``inherited`` when it is a broader disorder's row."""
    specificity = Specificity.of(row)
    components = ScoreComponents(
        specificity=SPECIFICITY_POINTS[specificity]
        - (INHERITED_DISORDER_PENALTY if inherited else 0),
        profile=PROFILE_POINTS if row.profile_factor_id in profile_ids else 0,
        strength=STRENGTH_POINTS[GuidanceStrength(row.strength)],
        evidence=CERTAINTY_POINTS[Certainty(row.certainty)] if row.certainty else 0,
    )
    return Match(row, specificity, row.disorder if inherited else None, components)


def _rank_key(match: Match) -> tuple:
    row = match.guidance
    return (-match.score, PHASE_ORDER[row.phase], row.modality.name, row.slug)


def recommend(
    *,
    disorder: Disorder,
    compound: Compound,
    profile: Sequence[ProfileFactor] = (),
    medications: Sequence[MedicationClass] = (),
    content: GuidanceContent,
) -> Plan:
    """Build the plan for a disorder and compound (and profile, and the medication classes the
    patient takes) from already-fetched rows."""
    chain = ancestry(disorder.pk, content.parents.get)
    profile_ids = {factor.pk for factor in profile}
    matches = sorted(
        (
            score_row(
                row,
                inherited=row.disorder_id not in (None, chain[0]),
                profile_ids=profile_ids,
            )
            for row in content.guidance_for(chain, compound.pk)
            if _applies(row, chain, compound, profile_ids)
        ),
        key=_rank_key,
    )

    grouped: dict[tuple[int, str], list[Match]] = {}
    for match in matches:
        grouped.setdefault((match.guidance.modality_id, match.guidance.phase), []).append(match)
    # In treatment order, then by score within each phase: the order a plan is carried out in.
    recommendations = sorted(
        (
            Recommendation(g[0].guidance.modality, g[0].guidance.phase, g[0], tuple(g[1:]))
            for g in grouped.values()
        ),
        key=lambda item: (PHASE_ORDER[item.phase], -item.score, *_rank_key(item.lead)[2:]),
    )

    pairing = [m for m in matches if m.guidance.disorder_id is not None and m.guidance.compound_id]
    evidence_level = strongest_evidence(ref for match in pairing for ref in cited(match.guidance))
    applying = [
        PlanWarning.from_statement(statement)
        for statement in sorted(
            _statements_applying(
                content.statements_for(chain, compound.pk),
                chain,
                compound,
                profile_ids,
                has_pairing=bool(pairing),
            ),
            key=lambda s: (SEVERITY_ORDER[s.severity], s.slug),
        )
    ]
    co_medications = content.interactions_for(compound, medications)
    # Interactions with what this patient takes come first within each severity: they are about
    # this patient, where safety statements are about every plan of their scope.
    applying = sorted(
        [
            PlanWarning.from_interaction(interaction, compound)
            for co_medication in co_medications
            for interaction in co_medication.interactions
        ]
        + applying,
        key=lambda warning: SEVERITY_ORDER[warning.severity],
    )
    contraindications = [w for w in applying if w.contraindicates]
    warnings = _gaps(recommendations, content.minimum_standards) + [
        w for w in applying if not w.contraindicates
    ]
    return Plan(
        disorder=disorder,
        compound=compound,
        profile=tuple(profile),
        recommendations=recommendations,
        warnings=warnings,
        evidence_level=evidence_level,
        has_pairing_evidence=bool(pairing),
        overall_certainty=overall_certainty(m.guidance.certainty for m in pairing),
        contraindications=contraindications,
        co_medications=co_medications,
    )


def _plan_scope(chain: list[int], compound: Compound, profile: Sequence[ProfileFactor]) -> Q:
    """The rows that can apply to one plan: disorder (or a broader one), compound and profile
    factor each empty or matching."""
    return (
        (Q(disorder_id__isnull=True) | Q(disorder_id__in=chain))
        & (Q(compound_id__isnull=True) | Q(compound_id=compound.pk))
        & (Q(profile_factor_id__isnull=True) | Q(profile_factor_id__in=[p.pk for p in profile]))
    )


def guidance_content_get(
    *,
    disorder: Disorder | None = None,
    compound: Compound | None = None,
    profile: Sequence[ProfileFactor] = (),
    medications: Sequence[MedicationClass] = (),
) -> GuidanceContent:
    """Fetch the rows plans are built from, as model instances with their relations and
    citations: all of them, or only those one plan can use (with the interactions of its
    compound and the medication classes asked about)."""
    parents = dict(Disorder.objects.values_list("id", "parent_id"))
    guidance = (
        Guidance.objects.published()
        .select_related("modality", "disorder", "compound", "profile_factor")
        .prefetch_related(citations())
    )
    statements = SafetyStatement.objects.select_related(
        "disorder", "compound", "profile_factor"
    ).prefetch_related(citations())
    if disorder is not None and compound is not None:
        scope = _plan_scope(ancestry(disorder.pk, parents.get), compound, profile)
        guidance, statements = guidance.filter(scope), statements.filter(scope)
        # Only a whole plan is checked for the minimum standards; the matrix needs no warnings.
        minimum = list(Modality.objects.exclude(minimum_standard_phase=""))
    else:
        minimum = []
    interactions = interactions_get(compound, medications) if compound is not None else []
    return GuidanceContent(list(guidance), list(statements), parents, minimum, interactions)


# --- Lean rows: one query of values per table, no model instances ----------------------------

# What a lean guidance row is read from: its own columns, then its relations' slugs and names (one
# join each, in the same query), then the text a plan shows (the matrix shows none).
_GUIDANCE_COLUMNS = (
    "id",
    "slug",
    "disorder_id",
    "compound_id",
    "profile_factor_id",
    "modality_id",
    "phase",
    "strength",
    "certainty",
    *(
        f"{name}__{column}"
        for name in ("modality", "disorder", "compound", "profile_factor")
        for column in ("slug", "name")
    ),
)
GUIDANCE_TEXT = (
    "kind",
    "direction",
    "rationale",
    "provenance",
    "locator",
    "certainty_rationale",
    "published_at",
)
# A lean safety statement's columns, in StatementRow's field order.
STATEMENT_COLUMNS = (
    "id",
    "slug",
    "title",
    "message",
    "kind",
    "severity",
    "trigger",
    "disorder_id",
    "compound_id",
    "compound_class",
    "profile_factor_id",
    "provenance",
    "locator",
)
# A citation's columns in the model's field order, as ``Model.from_db`` takes them.
CITED_COLUMNS = tuple(
    f.attname for f in Reference._meta.concrete_fields if f.attname in CITATION_COLUMNS
)


def citation_order(reference: Reference) -> tuple:
    """``CITATION_ORDER`` applied in Python: the article's numbered references by number, then the
    others as they were added."""
    return (reference.seed_number is None, reference.seed_number or 0, reference.pk)


def values_cited(
    queryset: QuerySet, columns: Sequence[str]
) -> tuple[list[tuple], dict[int, tuple]]:
    """The values of ``columns`` (the key first) of each row of ``queryset``, and the references
    each row cites, in citation order, from one query.

    The rows are joined to their references (``references``), so a row comes once per reference
    it cites; each reference becomes one instance with only the columns a citation shows,
    however many rows cite it. One query instead of a query and a prefetch saves the second
    query's cost, which in Django is mostly building its SQL.
    """
    width = len(columns)
    rows: dict[int, tuple] = {}
    references: dict[int, Reference] = {}
    cited_by: dict[int, list[Reference]] = {}
    found = queryset.order_by().values_list(
        *columns, *(f"references__{column}" for column in CITED_COLUMNS)
    )
    for values in found:
        pk, reference_pk = values[0], values[width]
        if pk not in rows:
            rows[pk] = values[:width]
        if reference_pk is not None:
            reference = references.get(reference_pk)
            if reference is None:
                reference = references[reference_pk] = Reference.from_db(
                    found.db, CITED_COLUMNS, values[width:]
                )
            cited_by.setdefault(pk, []).append(reference)
    return list(rows.values()), {
        pk: tuple(sorted(cited, key=citation_order)) for pk, cited in cited_by.items()
    }


@dataclass(frozen=True, slots=True)
class EvidenceOnly:
    """A reference as the matrix reads it: its evidence type, all an evidence level needs."""

    evidence_type: str


def evidence_get(guidance: QuerySet) -> dict[int, tuple[EvidenceOnly, ...]]:
    """The evidence types each row of a guidance queryset cites, from one query of the citations'
    table: the matrix's evidence levels read nothing else of the references."""
    found: dict[str, EvidenceOnly] = {}
    by_row: dict[int, list[EvidenceOnly]] = {}
    pairs = Guidance.references.through.objects.filter(guidance__in=guidance).values_list(
        "guidance_id", "reference__evidence_type"
    )
    for pk, evidence_type in pairs.distinct():
        evidence = found.get(evidence_type)
        if evidence is None:
            evidence = found[evidence_type] = EvidenceOnly(evidence_type)
        by_row.setdefault(pk, []).append(evidence)
    return {pk: tuple(evidence) for pk, evidence in by_row.items()}


def _guidance_rows(values: Iterable[tuple], references: dict[int, tuple]) -> list[GuidanceRow]:
    """Lean rows from values of ``_GUIDANCE_COLUMNS`` (then, for a plan, ``GUIDANCE_TEXT``), with
    the references each cites; a relation named by many rows is one ``RowLink``."""
    links: dict[tuple[str, int], RowLink] = {}

    def link(relation: str, pk: int | None, slug: str, name: str) -> RowLink | None:
        if pk is None:
            return None
        found = links.get((relation, pk))
        if found is None:
            found = links[(relation, pk)] = RowLink(pk, slug, name)
        return found

    return [
        GuidanceRow(
            pk,
            slug,
            disorder_id,
            compound_id,
            factor_id,
            modality_id,
            phase,
            strength,
            certainty,
            link("modality", modality_id, modality_slug, modality_name),
            link("disorder", disorder_id, disorder_slug, disorder_name),
            link("compound", compound_id, compound_slug, compound_name),
            link("profile_factor", factor_id, factor_slug, factor_name),
            references.get(pk, ()),
            *text,
        )
        for (
            pk,
            slug,
            disorder_id,
            compound_id,
            factor_id,
            modality_id,
            phase,
            strength,
            certainty,
            modality_slug,
            modality_name,
            disorder_slug,
            disorder_name,
            compound_slug,
            compound_name,
            factor_slug,
            factor_name,
            *text,
        ) in values
    ]


def lean_content_get(
    *,
    disorder: Disorder,
    compound: Compound,
    profile: Sequence[ProfileFactor] = (),
    medications: Sequence[MedicationClass] = (),
) -> GuidanceContent:
    """The rows one plan is built from, as ``guidance_content_get`` fetches them, but as lean
    rows (``GuidanceRow``, ``StatementRow``) read with their citations: four queries (and the
    interactions') instead of six."""
    parents = dict(Disorder.objects.values_list("id", "parent_id"))
    scope = _plan_scope(ancestry(disorder.pk, parents.get), compound, profile)
    guidance = values_cited(
        Guidance.objects.published().filter(scope), (*_GUIDANCE_COLUMNS, *GUIDANCE_TEXT)
    )
    statements, statement_references = values_cited(
        SafetyStatement.objects.filter(scope), STATEMENT_COLUMNS
    )
    return GuidanceContent(
        _guidance_rows(*guidance),
        [StatementRow(*row, statement_references.get(row[0], ())) for row in statements],
        parents,
        list(Modality.objects.exclude(minimum_standard_phase="")),
        interactions_get(compound, medications),
    )


def matrix_content_get(disorders: Sequence[Disorder]) -> GuidanceContent:
    """The rows the matrix of these disorders reads, as lean rows, and no others.

    A cell is a plan with no profile factor and no medications, of which the matrix shows the
    verdict, the certainty, the evidence level and each phase's top; so it reads the guidance
    with no profile factor of these disorders, the broader ones they belong to and of none, with
    no text, and of their references only the evidence types cited by the rows specific to a
    disorder and a compound (the evidence level); and, of the safety statements, only the
    contraindications (the verdict), uncited.
    """
    parents = dict(Disorder.objects.values_list("id", "parent_id"))
    chains = {pk for disorder in disorders for pk in ancestry(disorder.pk, parents.get)}
    in_scope = (Q(disorder_id__isnull=True) | Q(disorder_id__in=chains)) & Q(
        profile_factor_id__isnull=True
    )
    guidance = Guidance.objects.published().filter(in_scope)
    pairing = guidance.filter(disorder_id__isnull=False, compound_id__isnull=False)
    statements = SafetyStatement.objects.filter(in_scope, kind=SafetyKind.CONTRAINDICATION)
    return GuidanceContent(
        _guidance_rows(guidance.order_by().values_list(*_GUIDANCE_COLUMNS), evidence_get(pairing)),
        [StatementRow(*row) for row in statements.order_by().values_list(*STATEMENT_COLUMNS)],
        parents,
    )


def interactions_get(compound: Compound, medications: Sequence[MedicationClass]) -> list:
    """The interactions recorded for ``compound`` (named, or of its class) with these classes."""
    if not medications:
        return []
    return list(
        Interaction.objects.filter(
            Q(compound=compound) | Q(compound_class=compound.compound_class),
            medication_class__in=[m.pk for m in medications],
        )
        .select_related("compound", "medication_class")
        .prefetch_related(citations())
    )


def co_medications_get(
    compound: Compound, medications: Sequence[MedicationClass]
) -> list[CoMedication]:
    """What is recorded for ``compound`` with each of these classes, without building a plan:
    the screen an order needs even when no condition of the patient maps to a disorder."""
    content = GuidanceContent([], [], {}, [], interactions_get(compound, medications))
    return content.interactions_for(compound, medications)


def recommendation_plan(
    *,
    disorder: Disorder,
    compound: Compound,
    profile: Sequence[ProfileFactor] = (),
    medications: Sequence[MedicationClass] = (),
) -> Plan:
    """Return the plan for one disorder and compound, read from the current content as model
    instances (FHIR and CDS Hooks follow the rows' relations)."""
    content = guidance_content_get(
        disorder=disorder, compound=compound, profile=profile, medications=medications
    )
    return recommend(
        disorder=disorder,
        compound=compound,
        profile=profile,
        medications=medications,
        content=content,
    )


def lean_recommendation_plan(
    *,
    disorder: Disorder,
    compound: Compound,
    profile: Sequence[ProfileFactor] = (),
    medications: Sequence[MedicationClass] = (),
) -> Plan:
    """Return the same plan as ``recommendation_plan``, built from lean rows: what the JSON
    endpoint shows, at a fraction of the cost."""
    content = lean_content_get(
        disorder=disorder, compound=compound, profile=profile, medications=medications
    )
    return recommend(
        disorder=disorder,
        compound=compound,
        profile=profile,
        medications=medications,
        content=content,
    )


@dataclass(frozen=True)
class CellSummary:
    """What the matrix shows of one disorder with one compound, besides the pair itself: shared
    by every cell that reads the same rows."""

    verdict: Verdict
    overall_certainty: str | None
    tops: dict[str, Match | None]
    evidence_level: str
    has_pairing_evidence: bool


@dataclass(frozen=True)
class MatrixCell:
    """What the matrix shows of one disorder with one compound, as its plan with no profile
    would: the verdict, the overall certainty, and the top of each phase."""

    disorder: Disorder
    compound: Compound
    summary: CellSummary

    @property
    def verdict(self) -> Verdict:
        return self.summary.verdict

    @property
    def overall_certainty(self) -> str | None:
        return self.summary.overall_certainty

    @property
    def tops(self) -> dict[str, Match | None]:
        return self.summary.tops

    @property
    def evidence_level(self) -> str:
        return self.summary.evidence_level

    @property
    def has_pairing_evidence(self) -> bool:
        return self.summary.has_pairing_evidence


def summarize(
    *, disorders: Sequence[Disorder], compounds: Sequence[Compound], content: GuidanceContent
) -> list[MatrixCell]:
    """Return, for each disorder with each compound, what ``recommend`` answers with no profile,
    without building every plan.

    With no profile factor an item scores what its best row scores, so a phase's top is found
    among rows: the best disorder- or compound-specific row of the phase if there is one (the
    item ``phase_top`` picks holds it), else the phase's best row. Each scope's best row per
    phase is worked out once and shared by every cell, which keeps a large grid cheap; so is
    each summary of a disorder with a compound that no row or contraindication names, which
    reads the same rows as any other compound of its class.
    """
    best: dict[tuple[Scope, bool, str], Match | None] = {}

    def best_of(scope: Scope, *, inherited: bool, phase: str) -> Match | None:
        key = (scope, inherited, phase)
        if key not in best:
            matches = [
                score_row(row, inherited=inherited, profile_ids=set())
                for row in content.rows_in(scope)
                if row.profile_factor_id is None and row.phase == phase
            ]
            best[key] = min(matches, key=_rank_key, default=None)
        return best[key]

    # A cell's verdict reads the contraindications only.
    contraindications = _by_scope(
        s for s in content.safety_statements if s.kind == SafetyKind.CONTRAINDICATION
    )
    named = {row.compound_id for row in content.guidance} | {
        compound_id for _, compound_id in contraindications
    }

    def summary_of(chain: list[int], compound: Compound) -> CellSummary:
        scopes = [((None, None), False), ((None, compound.pk), False)]
        pairing = []
        for position, disorder_id in enumerate(chain):
            scopes += [((disorder_id, None), position > 0)]
            scopes += [((disorder_id, compound.pk), position > 0)]
            pairing += [
                row
                for row in content.rows_in((disorder_id, compound.pk))
                if row.profile_factor_id is None
            ]
        tops = {}
        for phase in TreatmentPhase.values:
            found = [
                match
                for scope, inherited in scopes
                if (match := best_of(scope, inherited=inherited, phase=phase)) is not None
            ]
            specific = [match for match in found if _is_specific(match)]
            tops[phase] = min(specific or found, key=_rank_key, default=None)
        contraindicated = bool(
            _statements_applying(
                content.candidates(contraindications, chain, compound.pk),
                chain,
                compound,
                set(),
                has_pairing=bool(pairing),
            )
        )
        return CellSummary(
            verdict=Verdict.CONTRAINDICATED
            if contraindicated
            else Verdict.PAIRING_EVIDENCE
            if pairing
            else Verdict.NO_PAIRING_EVIDENCE,
            overall_certainty=overall_certainty(row.certainty for row in pairing),
            tops=tops,
            evidence_level=strongest_evidence(ref for row in pairing for ref in cited(row)),
            has_pairing_evidence=bool(pairing),
        )

    summaries: dict[tuple[int, int | str], CellSummary] = {}
    cells = []
    for disorder in disorders:
        chain = ancestry(disorder.pk, content.parents.get)
        for compound in compounds:
            key = (disorder.pk, compound.pk if compound.pk in named else compound.compound_class)
            summary = summaries.get(key)
            if summary is None:
                summary = summaries[key] = summary_of(chain, compound)
            cells.append(MatrixCell(disorder, compound, summary))
    return cells


def recommendation_matrix(*, disorders: Sequence[Disorder]) -> list[MatrixCell]:
    """Return the matrix cells of these disorders with every compound."""
    return summarize(
        disorders=disorders,
        compounds=list(Compound.objects.order_by("name")),
        content=matrix_content_get(disorders),
    )
