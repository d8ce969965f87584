"""The fixed vocabularies the API speaks, defined once: what each value means and its order.

Responses carry raw values (``medication_session``, ``common_practice``); this registry says what
each one means, so that clients need not guess, and ranks each vocabulary's values, so that a list
ordered by a vocabulary field follows that rank rather than the alphabet.

One rule of order for every vocabulary: a value's ``order`` is its place in the enum that declares
it (1 first), and the enums declare their values in the order that means something, where one
does: phases in treatment order; strength, certainty, evidence types and specificity strongest
(most certain, most specific) first; severity most severe first. Ordering a list by such a field
ascending therefore lists the strongest first, and ``-field`` the weakest first. A vocabulary
whose order carries no rank (``ordered`` false) still has a fixed order, which sorting follows.

Values and labels come from the enums themselves; descriptions are written here, from what the
code and README already document, and the numbers in them (plan points, certainty ceilings) are
read from the tables that apply them. Every enum keeps its own module: this registry only reads
them. It lives in ``guidance`` because that is the lowest layer that sees every one of them.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, IntegerField, Model, OrderBy, Value, When

from compounds.models import CompoundClass, EvidenceBasis, MechanismLevel
from content.codes import COMPOUND_SYSTEMS, DISORDER_SYSTEMS, CodeMatch, CodeSystem, system_choices
from content.models import Provenance
from disorders.models import DisorderCategory
from evidence.models import EvidenceType, ReferenceOrigin
from guidance.grading import DESIGN_CEILING, Certainty, Direction, Kind
from guidance.models import GuidanceStrength, SafetyKind, SafetyTrigger, Severity
from guidance.recommendations import (
    CERTAINTY_POINTS,
    CONTENT_GAP,
    INHERITED_DISORDER_PENALTY,
    INTERACTION,
    NO_EVIDENCE,
    RISK_SEVERITY,
    SPECIFICITY_POINTS,
    STRENGTH_POINTS,
    WARNING_KINDS,
    Specificity,
    Verdict,
)
from medications.models import InteractionEffect, InteractionReliability, InteractionRisk
from modalities.models import Lineage, TreatmentPhase

Choices = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Term:
    """One value of a vocabulary: what the API sends, its label, its meaning and its rank."""

    value: str
    label: str
    description: str
    order: int


@dataclass(frozen=True)
class Vocabulary:
    """A fixed set of values one or more API fields take, in its meaningful order."""

    name: str
    label: str
    description: str
    ordered: bool
    order_rule: str
    terms: tuple[Term, ...]

    @property
    def values(self) -> list[str]:
        return [term.value for term in self.terms]

    def rank(self, field: str) -> Case:
        """A database expression giving each row the ``order`` of its ``field``'s value.

        A value outside the vocabulary (an empty certainty or class) ranks null, which ordering
        puts last in both directions.
        """
        return Case(
            *(When(**{field: term.value}, then=Value(term.order)) for term in self.terms),
            default=Value(None),
            output_field=IntegerField(),
        )


def vocabulary(
    name: str,
    label: str,
    choices: Choices,
    *,
    description: str,
    order_rule: str,
    descriptions: Mapping[str, str],
    ordered: bool = True,
) -> Vocabulary:
    """Build a vocabulary from an enum's choices and a description of each of its values.

    Refuses (at import, so at start-up and in every test run) a value left undescribed or a
    description of a value the enum does not have: the two lists cannot drift apart.
    """
    values = [value for value, _ in choices]
    if set(descriptions) != set(values) or len(values) != len(set(values)):
        raise ValueError(
            f"Vocabulary {name!r}: values {values} but descriptions of {list(descriptions)}."
        )
    terms = tuple(
        Term(value=value, label=str(text), description=descriptions[value], order=index)
        for index, (value, text) in enumerate(choices, start=1)
    )
    return Vocabulary(name, label, description, ordered, order_rule, terms)


def _points(points: int) -> str:
    return f"Scores {points} point{'' if points == 1 else 's'} in a plan."


def _ceiling(certainty: Certainty) -> str:
    """Which designs of the strongest reference allow at most this certainty."""
    designs = [d.label.lower() for d, ceiling in DESIGN_CEILING.items() if ceiling == certainty]
    return f"The ceiling when the strongest reference is: {_or(designs)}." if designs else ""


def _or(words: Iterable[str]) -> str:
    words = list(words)
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


NOT_RANKED = "No rank: a fixed order (the one listed here), which ordering by this field follows."

PHASE = vocabulary(
    "phase",
    "Treatment phase",
    TreatmentPhase.choices,
    description="The phases of psychoplastogen-assisted therapy in which a psychotherapy approach "
    "is delivered: the `phase` of guidance and plan items, the `phases` a modality serves.",
    order_rule="Treatment order: the order the phases happen in.",
    descriptions={
        TreatmentPhase.PREPARATION: "Before the medication session: the therapy that readies "
        "the patient for it.",
        TreatmentPhase.MEDICATION_SESSION: "The supervised session in which the compound is taken.",
        TreatmentPhase.INTEGRATION: "After the medication session: the therapy that works "
        "through what emerged in it, to consolidate adaptive change.",
    },
)

STRENGTH = vocabulary(
    "strength",
    "Strength of support",
    GuidanceStrength.choices,
    description="How a guidance row's pairing of a modality with a disorder, compound or "
    "profile is supported (its `strength`).",
    order_rule="Strongest support first.",
    descriptions={
        GuidanceStrength.TRIAL: "The modality was delivered with the compound in a clinical "
        f"trial. {_points(STRENGTH_POINTS[GuidanceStrength.TRIAL])}",
        GuidanceStrength.STANDARD: "The sources make it a minimum standard of care. "
        f"{_points(STRENGTH_POINTS[GuidanceStrength.STANDARD])}",
        GuidanceStrength.FRAMEWORK: "A published treatment framework or manual pairs it. "
        f"{_points(STRENGTH_POINTS[GuidanceStrength.FRAMEWORK])}",
        GuidanceStrength.COMMON_PRACTICE: "Common practice across the trials the sources "
        f"describe. {_points(STRENGTH_POINTS[GuidanceStrength.COMMON_PRACTICE])}",
        GuidanceStrength.PROPOSAL: "Proposed by the sources, not tested as a pairing. "
        f"{_points(STRENGTH_POINTS[GuidanceStrength.PROPOSAL])}",
        GuidanceStrength.INFERRED: "An editor's inference from what the sources say a technique "
        "targets (provenance editorial, and only then); its certainty is very low. "
        f"{_points(STRENGTH_POINTS[GuidanceStrength.INFERRED])}",
    },
)

KIND = vocabulary(
    "kind",
    "Kind of guidance",
    Kind.choices,
    description="What sort of guidance a row is (the `kind` of guidance and plan items), as "
    "guideline platforms grade it (GRADE).",
    order_rule=NOT_RANKED,
    ordered=False,
    descriptions={
        Kind.RECOMMENDATION: "A recommendation for or against the approach (see direction), "
        "with a certainty of its evidence.",
        Kind.GOOD_PRACTICE_STATEMENT: "A minimum standard of care. GRADE does not rate the "
        "certainty of a good practice statement, so it carries none (null).",
        Kind.RESEARCH_CONTEXT: "A pairing proposed, or studied only in trials: research, not "
        "yet a recommendation.",
        Kind.NO_RECOMMENDATION: "No recommendation is made, for or against.",
    },
)

DIRECTION = vocabulary(
    "direction",
    "Direction",
    Direction.choices,
    description="Whether guidance is for or against the approach it names (its `direction`).",
    order_rule=NOT_RANKED,
    ordered=False,
    descriptions={
        Direction.FOR: "The guidance favours the approach.",
        Direction.AGAINST: "The guidance advises against the approach.",
    },
)

CERTAINTY = vocabulary(
    "certainty",
    "Certainty of evidence (GRADE)",
    Certainty.choices,
    description="GRADE certainty of the evidence behind guidance (`certainty`, a plan's "
    "`overall_certainty`): how confident one can be that the true effect is close to the one "
    "the evidence suggests. The design of the strongest reference sets the highest certainty "
    "allowed; an editor's inference is very low; a good practice statement has none (null).",
    order_rule="Highest certainty first.",
    descriptions={
        Certainty.HIGH: "Very confident that the true effect lies close to the estimate. "
        f"{_ceiling(Certainty.HIGH)} {_points(CERTAINTY_POINTS[Certainty.HIGH])}",
        Certainty.MODERATE: "Moderately confident: the true effect is likely close to the "
        "estimate, but may be substantially different. "
        f"{_ceiling(Certainty.MODERATE)} {_points(CERTAINTY_POINTS[Certainty.MODERATE])}",
        Certainty.LOW: "Limited confidence: the true effect may be substantially different "
        f"from the estimate. {_ceiling(Certainty.LOW)} "
        f"{_points(CERTAINTY_POINTS[Certainty.LOW])}",
        Certainty.VERY_LOW: "Very little confidence: the true effect is likely to be "
        f"substantially different from the estimate. {_ceiling(Certainty.VERY_LOW)} Every "
        f"editor's inference is very low. {_points(CERTAINTY_POINTS[Certainty.VERY_LOW])}",
    },
)

PROVENANCE = vocabulary(
    "provenance",
    "Provenance",
    Provenance.choices,
    description="Who states a cited statement (its `provenance`); the statement's `locator` "
    "says where.",
    order_rule="From the source article itself, to a reference it cites, to an editor.",
    descriptions={
        Provenance.ARTICLE: "The source article states it; the locator quotes the article's own "
        "sentences, and the statement cites only references those sentences cite.",
        Provenance.CITED_SOURCE: "One of the cited references states it and the article does "
        "not; each locator line names the reference and the part of it that supports the claim.",
        Provenance.EDITORIAL: "An editor's inference, stated by no source; the locator gives "
        "the reasoning.",
    },
)

SPECIFICITY = vocabulary(
    "specificity",
    "Specificity",
    Specificity.choices,
    description="What a guidance row (or safety statement) is scoped to: which of a disorder, "
    "a compound and a profile factor it names (the `specificity` of plan items). Guidance of a "
    f"broader disorder (e.g. substance use disorders) scores {INHERITED_DISORDER_PENALTY} points "
    "less than the disorder's own.",
    order_rule="Most specific first.",
    descriptions={
        value: f"{text}. {_points(SPECIFICITY_POINTS[value])}"
        for value, text in {
            Specificity.DISORDER_COMPOUND_PROFILE: "Names the disorder, the compound and a "
            "profile factor",
            Specificity.DISORDER_COMPOUND: "Names the disorder and the compound",
            Specificity.DISORDER_PROFILE: "Names the disorder and a profile factor",
            Specificity.DISORDER: "Names the disorder only",
            Specificity.COMPOUND_PROFILE: "Names the compound and a profile factor",
            Specificity.COMPOUND: "Names the compound only",
            Specificity.PROFILE: "Names a profile factor only",
            Specificity.GENERAL: "Names none of them: general guidance for every plan",
        }.items()
    },
)

VERDICT = vocabulary(
    "verdict",
    "Verdict",
    Verdict.choices,
    description="What a recommendation plan answers first (its `verdict`).",
    order_rule=NOT_RANKED,
    ordered=False,
    descriptions={
        Verdict.CONTRAINDICATED: "A safety statement of kind contraindication applies to this "
        "disorder, compound or profile; the plan is still shown, to explain why not.",
        Verdict.PAIRING_EVIDENCE: "Guidance specific to this disorder with this compound exists.",
        Verdict.NO_PAIRING_EVIDENCE: "No guidance is specific to this disorder with this "
        "compound: the plan is built from disorder-level and general guidance.",
    },
)

EVIDENCE_TYPE_DESCRIPTIONS = {
    EvidenceType.RANDOMIZED_CONTROLLED_TRIAL: "A trial that assigns participants to treatment "
    "or control at random.",
    EvidenceType.RANDOMIZED_PILOT: "A small randomized trial; its size makes its estimates "
    "imprecise.",
    EvidenceType.OPEN_LABEL_TRIAL: "A trial in which participants and clinicians know which "
    "treatment is given.",
    EvidenceType.PROOF_OF_CONCEPT_STUDY: "An early, small study of whether an approach can "
    "work at all.",
    EvidenceType.OBSERVATIONAL_STUDY: "A study that observes people without assigning them a "
    "treatment.",
    EvidenceType.HUMAN_IMAGING_STUDY: "A brain-imaging study in people; indirect evidence for "
    "a clinical claim.",
    EvidenceType.SYSTEMATIC_REVIEW: "A review that searches for and appraises the studies on "
    "a question by a stated method.",
    EvidenceType.NARRATIVE_REVIEW: "A review that summarizes literature without a systematic "
    "search.",
    EvidenceType.TREATMENT_MANUAL: "A manual describing how a therapy is delivered.",
    EvidenceType.GUIDELINE: "A guideline issued by a professional or research body.",
    EvidenceType.EXPERT_OPINION: "The view of experts, not a study.",
    EvidenceType.PRECLINICAL_STUDY: "A study in animals or cells; indirect evidence for a "
    "clinical claim.",
    EvidenceType.REFERENCE_WORK: "A reference book, such as a textbook or diagnostic manual.",
}


def _evidence_type_description(design: EvidenceType) -> str:
    ceiling = Certainty(DESIGN_CEILING[design]).label.lower()
    return (
        f"{EVIDENCE_TYPE_DESCRIPTIONS[design]} As the strongest reference behind guidance, it "
        f"allows at most {ceiling} certainty."
    )


EVIDENCE_TYPE = vocabulary(
    "evidence_type",
    "Evidence type",
    EvidenceType.choices,
    description="What kind of source a reference is (its `evidence_type`, also in every "
    "citation). The design of the strongest reference behind guidance sets the highest "
    "certainty the guidance may have.",
    order_rule="Strongest clinical design first.",
    descriptions={design: _evidence_type_description(design) for design in EvidenceType},
)

EVIDENCE_LEVEL = vocabulary(
    "evidence_level",
    "Evidence level of a plan",
    [*EvidenceType.choices, (NO_EVIDENCE, "None")],
    description="The strongest evidence type behind a plan's guidance specific to its disorder "
    "and compound (`evidence_level` of plans and of the matrix), or none.",
    order_rule="Strongest clinical design first; none last.",
    descriptions={
        **{design: _evidence_type_description(design) for design in EvidenceType},
        NO_EVIDENCE: "No guidance is specific to this disorder with this compound.",
    },
)

SAFETY_KIND_DESCRIPTIONS = {
    SafetyKind.CONTRAINDICATION: "A reason not to proceed: when one applies, the plan's verdict "
    "is contraindicated.",
    SafetyKind.PRECAUTION: "A risk to guard against; a plan it applies to shows it as a warning.",
    SafetyKind.STANDARD: "A minimum standard of care the treatment must meet; a plan it applies "
    "to shows it as a warning.",
    SafetyKind.EVIDENCE_GAP: "A gap in the evidence the sources point out; a plan it applies to "
    "shows it as a warning.",
}

SAFETY_KIND = vocabulary(
    "safety_kind",
    "Kind of safety statement",
    SafetyKind.choices,
    description="What a safety statement is (the `kind` of safety statements); a "
    "contraindication that applies decides a plan's verdict.",
    order_rule=NOT_RANKED,
    ordered=False,
    descriptions=SAFETY_KIND_DESCRIPTIONS,
)

WARNING_KIND = vocabulary(
    "warning_kind",
    "Kind of plan warning",
    WARNING_KINDS,
    description="What a plan's contraindication or warning is (their `kind`): a safety "
    "statement's kind, a recorded interaction with one of the patient's medications, or the "
    "service's own warning that its content lacks something every plan needs.",
    order_rule=NOT_RANKED,
    ordered=False,
    descriptions={
        **SAFETY_KIND_DESCRIPTIONS,
        INTERACTION: "A recorded interaction of the plan's compound with a medication class the "
        "request named (`medications=`); its `interaction` says the effect, risk and "
        "reliability. A dangerous one is listed among the contraindications.",
        CONTENT_GAP: "The service's content lacks something every plan needs (a minimum "
        "standard, or any integration guidance); an editor should restore it.",
    },
)

SEVERITY = vocabulary(
    "severity",
    "Severity",
    Severity.choices,
    description="How strongly a safety statement or plan warning should be brought to a "
    "clinician's attention (its `severity`); plans list warnings in this order.",
    order_rule="Most severe first.",
    descriptions={
        Severity.CRITICAL: "The most urgent: shown first.",
        Severity.CAUTION: "Calls for care: shown after the critical ones.",
        Severity.INFO: "For information: shown last.",
    },
)

TRIGGER = vocabulary(
    "trigger",
    "Trigger",
    SafetyTrigger.choices,
    description="When a safety statement applies to a plan (its `trigger`).",
    order_rule=NOT_RANKED,
    ordered=False,
    descriptions={
        SafetyTrigger.ALWAYS: "Whenever its disorder, compound and profile factor match the plan "
        "(an empty one matches any).",
        SafetyTrigger.NO_PAIRING_EVIDENCE: "Only when it matches and no guidance is specific to "
        "the plan's disorder and compound.",
    },
)

COMPOUND_CLASS = vocabulary(
    "compound_class",
    "Compound class",
    CompoundClass.choices,
    description="Pharmacological family of a compound, as the literature groups them (the "
    "`compound_class` of compounds and of safety statements scoped to a class).",
    order_rule=NOT_RANKED,
    ordered=False,
    descriptions={
        CompoundClass.CLASSIC_PSYCHEDELIC: "Psychedelics acting mainly as serotonin 2A (5-HT2A) "
        "receptor agonists, such as psilocybin and LSD.",
        CompoundClass.DISSOCIATIVE: "Dissociative anesthetics acting at the NMDA glutamate "
        "receptor, such as ketamine.",
        CompoundClass.ENTACTOGEN: "Entactogens, such as MDMA, which modulates monoamine "
        "pathways (serotonin, dopamine, noradrenaline).",
    },
)

LEVEL = vocabulary(
    "level",
    "Level of brain organization",
    MechanismLevel.choices,
    description="The article's levels of brain organization at which a plasticity mechanism "
    "acts (the `level` of mechanisms; a compound's mechanisms are grouped by it).",
    order_rule="From molecules to behavior.",
    descriptions={
        MechanismLevel.MOLECULAR: "Receptors and signaling molecules, such as 5-HT2A, NMDA and "
        "BDNF-TrkB signaling.",
        MechanismLevel.CELLULAR: "Neurons and their synapses: dendritic spines, dendritic "
        "complexity, synaptic density.",
        MechanismLevel.NETWORK: "Connectivity between brain regions and networks.",
        MechanismLevel.BEHAVIORAL: "Learning and behavior, such as fear extinction learning.",
    },
)

EVIDENCE_BASIS = vocabulary(
    "evidence_basis",
    "Evidence basis",
    EvidenceBasis.choices,
    description="Whether a compound-mechanism link was shown in people or in animal and cell "
    "models (the `evidence_basis` of a compound's mechanisms and a mechanism's compounds).",
    order_rule="Human evidence first: the more direct for a clinical claim.",
    descriptions={
        EvidenceBasis.HUMAN: "Shown in people.",
        EvidenceBasis.PRECLINICAL: "Shown in animal or cell models.",
    },
)

CATEGORY = vocabulary(
    "category",
    "Disorder category",
    DisorderCategory.choices,
    description="Diagnostic family of a disorder (its `category`).",
    order_rule=NOT_RANKED,
    ordered=False,
    descriptions={
        DisorderCategory.MOOD: "Disorders of mood, such as major depressive disorder.",
        DisorderCategory.ANXIETY: "Anxiety disorders.",
        DisorderCategory.TRAUMA: "Disorders that follow trauma or stress, such as PTSD.",
        DisorderCategory.OBSESSIVE_COMPULSIVE: "Obsessive-compulsive disorder and related "
        "disorders.",
        DisorderCategory.EATING: "Feeding and eating disorders.",
        DisorderCategory.SUBSTANCE_USE: "Disorders of alcohol and other substance use.",
        DisorderCategory.PAIN: "Chronic pain conditions.",
        DisorderCategory.PSYCHOTIC: "Psychotic disorders, such as schizophrenia.",
    },
)

LINEAGE = vocabulary(
    "lineage",
    "Therapeutic lineage",
    Lineage.choices,
    description="The therapeutic tradition a psychotherapy modality comes from (its `lineage`).",
    order_rule=NOT_RANKED,
    ordered=False,
    descriptions={
        Lineage.PSYCHOEDUCATIONAL: "Teaching the patient about the treatment and what to expect.",
        Lineage.SUPPORTIVE: "Support through the relationship with the therapist: presence, "
        "reassurance, encouragement.",
        Lineage.PSYCHODYNAMIC: "Working with unconscious processes, relationships and past "
        "experience.",
        Lineage.COGNITIVE_BEHAVIORAL: "Changing thoughts and behaviors, as CBT does.",
        Lineage.CONTEXTUAL_BEHAVIORAL: "Acceptance- and mindfulness-based therapies, such as ACT.",
        Lineage.MOTIVATIONAL: "Building the motivation to change, as motivational enhancement "
        "therapy does.",
        Lineage.SOMATIC: "Working through the body and its sensations.",
        Lineage.INTEGRATIVE: "Drawing on several lineages, as the patient needs.",
    },
)


# Every vocabulary, in the order the API lists them: guidance and plans, safety, sources, then
# compounds, mechanisms, disorders and modalities.
def _in_plans(risk: InteractionRisk) -> str:
    if risk == InteractionRisk.DANGEROUS:
        return "In a plan: a contraindication (the verdict is contraindicated)."
    return f"In a plan: a warning of severity {RISK_SEVERITY[risk]}."


INTERACTION_RISK = vocabulary(
    "interaction_risk",
    "Risk of an interaction",
    InteractionRisk.choices,
    description="How much harm, to the patient or to the treatment, taking a medication with a "
    "compound risks (the `risk` of interactions): an editor's judgement from what the source "
    "states, explained in `risk_basis`. There is no 'low risk' or 'safe' level: none of the "
    "sources makes such a claim, and no row for a pair means nothing is recorded, not that it "
    "is safe. Mixtures.info's risk levels map one to one (Dangerous, Unsafe, Caution, Unknown; "
    "its Neutral has no equivalent); TripSit's Dangerous, Unsafe and Caution map to the same "
    "names, its three Low Risk levels to none.",
    order_rule="Most dangerous first.",
    descriptions={
        InteractionRisk.DANGEROUS: "Do not combine: the source ties the combination to serious "
        f"harm. Mixtures: Dangerous; TripSit: Dangerous. {_in_plans(InteractionRisk.DANGEROUS)}",
        InteractionRisk.UNSAFE: "Combine only with specific precautions. Mixtures: Unsafe; "
        f"TripSit: Unsafe. {_in_plans(InteractionRisk.UNSAFE)}",
        InteractionRisk.CAUTION: "The combination may harm the patient or weaken the treatment; "
        "it needs the clinician's attention. Mixtures: Caution; TripSit: Caution. "
        f"{_in_plans(InteractionRisk.CAUTION)}",
        InteractionRisk.UNKNOWN: "A source speaks of the pair but no risk level is established; "
        "not a statement of safety. Mixtures: Unknown; TripSit: none. "
        f"{_in_plans(InteractionRisk.UNKNOWN)}",
    },
)

INTERACTION_RELIABILITY = vocabulary(
    "interaction_reliability",
    "Reliability of an interaction judgement",
    InteractionReliability.choices,
    description="How well an interaction's judgement is supported (its `reliability`), after "
    "Mixtures.info's pattern (Hypothetical, Inferred, Proven); null where no finding is "
    "recorded.",
    order_rule="Best supported first.",
    descriptions={
        InteractionReliability.PROVEN: "Shown in controlled studies of the combination in people.",
        InteractionReliability.INFERRED: "Observed in people without a controlled test of the "
        "combination: analyses of experience reports, surveys, secondary analyses of trials.",
        InteractionReliability.HYPOTHETICAL: "Expected from pharmacology; not observed in people.",
    },
)

INTERACTION_EFFECT = vocabulary(
    "interaction_effect",
    "Effect of an interaction",
    InteractionEffect.choices,
    description="What a source says happens when a medication is taken with a compound (the "
    "`effect` of interactions).",
    order_rule=NOT_RANKED,
    ordered=False,
    descriptions={
        InteractionEffect.SEIZURE_RISK: "Seizures are associated with the combination.",
        InteractionEffect.SEROTONIN_TOXICITY_RISK: "Serotonin toxicity (serotonin syndrome) "
        "is a risk of the combination.",
        InteractionEffect.ATTENUATED_THERAPEUTIC_EFFECT: "The compound's therapeutic effect "
        "is weaker with the medication.",
        InteractionEffect.ATTENUATED_ACUTE_EFFECT: "The compound's acute effects are weaker "
        "with the medication.",
        InteractionEffect.ALTERED_ACUTE_EFFECT: "The compound's acute subjective effects "
        "change with the medication (the source gives no direction).",
        InteractionEffect.ALTERED_TREATMENT_RESPONSE: "The response to treatment with the "
        "compound differs with (or after stopping) the medication.",
        InteractionEffect.NO_SEIZURE_ASSOCIATION: "The source looked for an association with "
        "seizures and found none; not evidence that the combination is safe.",
        InteractionEffect.REVIEWED_NO_FINDING_RECORDED: "A source reviews the combination, but "
        "this service records none of its findings: read the source before combining.",
    },
)

REFERENCE_ORIGIN = vocabulary(
    "origin",
    "Origin of a reference",
    ReferenceOrigin.choices,
    description="Where a reference comes from, relative to the source article (the `origin` of "
    "every citation and reference).",
    order_rule=NOT_RANKED,
    ordered=False,
    descriptions={
        ReferenceOrigin.ARTICLE: "The source article itself (Jones 2025), cited for what it "
        "states in its own words.",
        ReferenceOrigin.ARTICLE_REFERENCE: "One of the article's numbered references; its "
        "`seed_number` is the number the article cites it by.",
        ReferenceOrigin.OUTSIDE_ARTICLE: "A published source outside the article, added by "
        "editors with a checkable DOI where the article is silent (co-medication); statements "
        "citing it have provenance cited_source.",
    },
)


def _systems(systems: tuple[CodeSystem, ...]) -> dict[str, str]:
    return {
        s.name: f"{s.label}; FHIR system {s.uri}."
        if s.uri
        else f"{s.label}; HL7 names no FHIR "
        "system URI for it, so FHIR resources carry it as a plain identifier."
        for s in systems
    }


COMPOUND_CODE_SYSTEM = vocabulary(
    "compound_code_system",
    "Code system of a compound's code",
    system_choices(COMPOUND_SYSTEMS),
    description="The standard systems a compound's `codes` come from (their `system`); "
    "`?identifier=` and `compound_code=` take a system by this name or its FHIR URI.",
    order_rule=NOT_RANKED,
    ordered=False,
    descriptions=_systems(COMPOUND_SYSTEMS),
)

DISORDER_CODE_SYSTEM = vocabulary(
    "disorder_code_system",
    "Code system of a disorder's code",
    system_choices(DISORDER_SYSTEMS),
    description="The standard systems a disorder's `codes` come from (their `system`); "
    "`?identifier=` and `disorder_code=` take a system by this name or its FHIR URI.",
    order_rule=NOT_RANKED,
    ordered=False,
    descriptions=_systems(DISORDER_SYSTEMS),
)

CODE_MATCH = vocabulary(
    "code_match",
    "How a code matches its row",
    CodeMatch.choices,
    description="How a code relates to the compound or disorder that carries it (the `match` "
    "of `codes`), as a FHIR ConceptMap's relationship would.",
    order_rule="Closest first.",
    descriptions={
        CodeMatch.EXACT: "The code names this compound or disorder.",
        CodeMatch.NARROWER: "The code names a narrower concept (alcohol dependence, for alcohol "
        "use disorder); a patient coded with it gets this row's guidance, and the guidance of "
        "the broader disorders it belongs to.",
    },
)

VOCABULARIES: tuple[Vocabulary, ...] = (
    PHASE,
    STRENGTH,
    KIND,
    DIRECTION,
    CERTAINTY,
    PROVENANCE,
    SPECIFICITY,
    VERDICT,
    EVIDENCE_LEVEL,
    WARNING_KIND,
    SAFETY_KIND,
    SEVERITY,
    TRIGGER,
    EVIDENCE_TYPE,
    COMPOUND_CLASS,
    LEVEL,
    EVIDENCE_BASIS,
    CATEGORY,
    LINEAGE,
    INTERACTION_EFFECT,
    INTERACTION_RISK,
    INTERACTION_RELIABILITY,
    REFERENCE_ORIGIN,
    COMPOUND_CODE_SYSTEM,
    DISORDER_CODE_SYSTEM,
    CODE_MATCH,
)
BY_NAME: dict[str, Vocabulary] = {v.name: v for v in VOCABULARIES}
# Each vocabulary's values differ from every other's, so a field's choices name one vocabulary.
if not len(BY_NAME) == len({frozenset(v.values) for v in VOCABULARIES}) == len(VOCABULARIES):
    raise ValueError("Two vocabularies share a name or the same values.")


def vocabulary_get(name: str) -> Vocabulary | None:
    """The vocabulary with this name, or None."""
    return BY_NAME.get(name)


def vocabulary_of_choices(choices: Choices | None) -> Vocabulary | None:
    """The vocabulary whose values are exactly these choices' (a model field's), or None.

    Matching by the values themselves, rather than by field name, finds the right vocabulary
    for ``kind`` on guidance (Kind) and on safety statements (SafetyKind) alike.
    """
    if not choices:
        return None
    return vocabulary_of_values(value for value, _ in choices)


def vocabulary_of_values(values: Iterable[str]) -> Vocabulary | None:
    """The vocabulary with exactly these values, in any order, or None."""
    wanted = sorted(values)
    return next((v for v in VOCABULARIES if sorted(v.values) == wanted), None)


def vocabulary_of_field(model: type[Model], name: str) -> Vocabulary | None:
    """The vocabulary a model's field takes its values from; None for another field or none."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return vocabulary_of_choices(getattr(field, "choices", None))


def vocabulary_order_by(model: type[Model], terms: Sequence[str]) -> list[str | OrderBy]:
    """Return ``order_by`` arguments for ordering terms such as ``["-phase", "slug"]``.

    A field that takes a vocabulary sorts by its rank in the vocabulary (treatment order for a
    phase, strongest first for a strength; ``-`` reverses it), not by the alphabet; values
    outside the vocabulary (an empty certainty) come last either way. Other terms pass through.
    The model's own order follows, to break ties, so that rows of one phase keep one order
    from page to page. It is one SQL expression, so no query is added.
    """
    order_by: list[str | OrderBy] = []
    for term in terms:
        name = term.removeprefix("-")
        found = vocabulary_of_field(model, name)
        if found is None:
            order_by.append(term)
        elif term.startswith("-"):
            order_by.append(found.rank(name).desc(nulls_last=True))
        else:
            order_by.append(found.rank(name).asc(nulls_last=True))
    named = {term.removeprefix("-") for term in terms}
    ties = [
        t for t in model._meta.ordering if not (isinstance(t, str) and t.removeprefix("-") in named)
    ]
    return [*order_by, *ties]
