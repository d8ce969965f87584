"""How guidance is graded, in the vocabulary guideline platforms use (GRADE, as MAGICapp and the
WHO SMART guidelines do), and the one set of rules that bounds the certainty an editor may give.

Each guidance row has a ``kind`` (a recommendation, a good practice statement, a pairing proposed
or studied only in research, or no recommendation), a ``direction`` (for or against) and, unless it
is a good practice statement, a ``certainty`` of its evidence with a short rationale. The rules:

- The ceiling is set by the design of the strongest reference behind the row, as GRADE starts
  randomized trials high and observational studies low, and starts lower still what is indirect
  for a clinical claim (preclinical work, imaging, reviews, manuals, opinion) — see
  ``DESIGN_CEILING``. A randomized pilot starts at moderate (a small trial: imprecision).
- An editor's inference (provenance ``editorial``) is very low, whatever it cites: no source makes
  the claim.
- A good practice statement carries no certainty (GRADE does not rate them).
- Editors may lower a certainty below the ceiling, with the reason in ``certainty_rationale``;
  nobody can raise it above the ceiling.
"""

from collections.abc import Iterable

from django.db import models

from content.models import Provenance
from evidence.models import EvidenceType


class Kind(models.TextChoices):
    """What sort of guidance a row is."""

    RECOMMENDATION = "recommendation", "Recommendation"
    GOOD_PRACTICE_STATEMENT = "good_practice_statement", "Good practice statement"
    RESEARCH_CONTEXT = "research_context", "Proposed or studied only in research"
    NO_RECOMMENDATION = "no_recommendation", "No recommendation"


class Direction(models.TextChoices):
    """Whether the guidance is for or against the approach."""

    FOR = "for", "For"
    AGAINST = "against", "Against"


class Certainty(models.TextChoices):
    """GRADE certainty of the evidence, highest first."""

    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"


# Higher is more certain.
CERTAINTY_RANK = {Certainty.HIGH: 4, Certainty.MODERATE: 3, Certainty.LOW: 2, Certainty.VERY_LOW: 1}

# The highest certainty the design of a reference can support for a clinical claim.
DESIGN_CEILING = {
    EvidenceType.RANDOMIZED_CONTROLLED_TRIAL: Certainty.HIGH,
    EvidenceType.RANDOMIZED_PILOT: Certainty.MODERATE,
    EvidenceType.OPEN_LABEL_TRIAL: Certainty.LOW,
    EvidenceType.PROOF_OF_CONCEPT_STUDY: Certainty.LOW,
    EvidenceType.OBSERVATIONAL_STUDY: Certainty.LOW,
    EvidenceType.HUMAN_IMAGING_STUDY: Certainty.VERY_LOW,
    EvidenceType.SYSTEMATIC_REVIEW: Certainty.LOW,
    EvidenceType.NARRATIVE_REVIEW: Certainty.VERY_LOW,
    EvidenceType.TREATMENT_MANUAL: Certainty.VERY_LOW,
    EvidenceType.GUIDELINE: Certainty.VERY_LOW,
    EvidenceType.EXPERT_OPINION: Certainty.VERY_LOW,
    EvidenceType.PRECLINICAL_STUDY: Certainty.VERY_LOW,
    EvidenceType.REFERENCE_WORK: Certainty.VERY_LOW,
}

# The same values in the FHIR code systems the FHIR export uses (one table, one place): R4's
# evidence-quality, the code system of the cqf-qualityOfEvidence extension CPG rates with.
FHIR_CERTAINTY = {
    "system": "http://terminology.hl7.org/CodeSystem/evidence-quality",
    "codes": {
        Certainty.HIGH: "high",
        Certainty.MODERATE: "moderate",
        Certainty.LOW: "low",
        Certainty.VERY_LOW: "very-low",
    },
}
# GRADE strength is a guideline panel's judgement; this content has no panel, so only a
# recommendation maps to a strength, and only to "weak". The other kinds carry none.
FHIR_STRENGTH = {
    "system": "http://terminology.hl7.org/CodeSystem/recommendation-strength",
    "codes": {
        Kind.RECOMMENDATION: "weak",
        Kind.GOOD_PRACTICE_STATEMENT: None,
        Kind.RESEARCH_CONTEXT: None,
        Kind.NO_RECOMMENDATION: None,
    },
}
# The CPG implementation guide's direction of a recommendation (cpg-directionOfRecommendation).
FHIR_DIRECTION = {
    "system": "http://hl7.org/fhir/uv/cpg/CodeSystem/cpg-recommendation-direction-cs",
    "codes": {Direction.FOR: "for", Direction.AGAINST: "against"},
}


def certainty_ceiling(*, provenance: str, evidence_types: Iterable[str]) -> Certainty:
    """Return the highest certainty the rules allow for guidance with this provenance and these
    references' designs."""
    if provenance == Provenance.EDITORIAL:
        return Certainty.VERY_LOW
    best = _strongest_design(evidence_types)
    return DESIGN_CEILING[best] if best else Certainty.VERY_LOW


def _strongest_design(evidence_types: Iterable[str]) -> EvidenceType | None:
    """The design among these that allows the highest certainty, or None if there is none."""
    designs = [EvidenceType(value) for value in evidence_types]
    return max(designs, key=lambda d: CERTAINTY_RANK[DESIGN_CEILING[d]], default=None)


def grading_problems(
    *,
    kind: str,
    certainty: str,
    rationale: str,
    provenance: str,
    strength: str,
    evidence_types: Iterable[str],
) -> list[str]:
    """Return what is wrong with a row's grading; empty when it keeps to the rules.

    An editor's inference is graded as such: strength ``inferred`` (and only it is), so that it
    never outranks guidance a source states at the same specificity (see the engine's points).
    """
    evidence_types = list(evidence_types)
    if (provenance == Provenance.EDITORIAL) != (strength == "inferred"):
        return [
            "strength 'inferred' is for an editor's inference (provenance 'editorial') and only "
            f"for it; this row has strength {strength!r} and provenance {provenance!r}"
        ]
    if kind == Kind.GOOD_PRACTICE_STATEMENT:
        if certainty:
            return ["a good practice statement carries no certainty; leave it empty"]
        return []
    if certainty not in Certainty.values:
        return [f"certainty is required; one of {', '.join(Certainty.values)}"]
    ceiling = certainty_ceiling(provenance=provenance, evidence_types=evidence_types)
    if CERTAINTY_RANK[Certainty(certainty)] > CERTAINTY_RANK[ceiling]:
        return [
            f"certainty {str(certainty)!r} is above what the rules allow for this guidance "
            f"({ceiling.value!r}: {ceiling_reason(provenance, evidence_types)}); lower it"
        ]
    if not rationale.strip():
        return ["certainty_rationale is required: say why the evidence is this certain"]
    return []


def ceiling_reason(provenance: str, evidence_types: Iterable[str]) -> str:
    """Say in words why the ceiling is what it is."""
    if provenance == Provenance.EDITORIAL:
        return "an editor's inference is very low whatever it cites"
    best = _strongest_design(evidence_types)
    if best is None:
        return "no reference"
    return f"its strongest reference is {best.label.lower()} evidence"


def overall_certainty(certainties: Iterable[str | None]) -> str | None:
    """Return the highest certainty among a plan's pairing-specific items, or None if none."""
    graded = [Certainty(c) for c in certainties if c]
    return max(graded, key=CERTAINTY_RANK.__getitem__).value if graded else None
