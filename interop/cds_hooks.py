"""CDS Hooks 2.0 services: which hooks this service answers, and the cards it answers with.

An EHR calls ``psychoplastogen-order`` when a clinician selects (``order-select``) or signs
(``psychoplastogen-order-sign``, ``order-sign``) a draft order for one of our compounds, matched by
its codes; ``psychoplastogen-plan`` runs on ``patient-view``. Cards come from the same engine the
JSON endpoint uses:

- one card per plan (a condition of the patient that maps to a disorder, with the compound):
  ``critical`` when a contraindication applies, ``warning`` when no guidance is specific to the
  pairing, ``info`` when it is; its detail lists each phase's top approaches with their references;
- one ``critical`` card per contraindication (a safety statement, or a dangerous interaction);
- one card per other recorded interaction with what the patient takes (``critical`` for an unsafe
  one, ``warning`` otherwise), shown even when no condition maps to a disorder.

Every card offers override reasons; feedback on them is recorded (CardFeedback).
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from compounds.models import Compound
from content.notices import DISCLAIMER
from disorders.models import Disorder
from evidence.models import Reference
from guidance.grading import Certainty
from guidance.models import GuidanceStrength, Severity
from guidance.recommendations import (
    CONTENT_GAP,
    INTERACTION,
    Plan,
    PlanWarning,
    Verdict,
    co_medications_get,
    recommendation_matrix,
    recommendation_plan,
)
from interop.fhir import PUBLISHER, coding
from interop.patient import own_system
from interop.plans import MAX_PLANS, RecordError
from medications.models import InteractionReliability, InteractionRisk, MedicationClass
from modalities.models import TreatmentPhase

SUMMARY_LIMIT = 140  # the spec: "<140-character summary message"
TOP_ITEMS_PER_PHASE = 3


@dataclass(frozen=True)
class Service:
    id: str
    hook: str
    title: str
    description: str


# Prefetch templates: the patient's active conditions and medications, as FHIR searches.
PREFETCH = {
    "conditions": "Condition?patient={{context.patientId}}&clinical-status=active",
    "medications": "MedicationRequest?patient={{context.patientId}}&status=active",
}
ORDER_DESCRIPTION = (
    "When a draft MedicationRequest orders a psychoplastogen this service knows by its codes "
    "(ketamine by ATC N01AX03, psilocybin or MDMA by UNII, ...): a phased psychotherapy plan for "
    "each of the patient's conditions it has guidance for, every contraindication, and every "
    "recorded interaction with the patient's active medications."
)
SERVICES = (
    Service(
        "psychoplastogen-order",
        "order-select",
        "Psychotherapy plan for a psychoplastogen order",
        ORDER_DESCRIPTION,
    ),
    Service(
        "psychoplastogen-order-sign",
        "order-sign",
        "Psychotherapy plan and safety check when a psychoplastogen order is signed",
        ORDER_DESCRIPTION,
    ),
    Service(
        "psychoplastogen-plan",
        "patient-view",
        "Psychoplastogen therapy guidance for this patient's conditions",
        "For a patient with a condition this service has guidance for: the plan for each "
        "psychoplastogen among their active medications, or else which compounds have guidance "
        "specific to the condition.",
    ),
)
SERVICES_BY_ID = {service.id: service for service in SERVICES}


def discovery() -> dict:
    return {
        "services": [
            {
                "hook": service.hook,
                "title": service.title,
                "description": service.description,
                "id": service.id,
                "prefetch": PREFETCH,
                "usageRequirements": "Send the prefetch (this service does not query FHIR "
                "servers); calls are authenticated with a JWT from an allow-listed issuer.",
            }
            for service in SERVICES
        ]
    }


INDICATOR_ORDER = {"critical": 0, "warning": 1, "info": 2}
SEVERITY_INDICATOR = {
    Severity.CRITICAL: "critical",
    Severity.CAUTION: "warning",
    Severity.INFO: "info",
}
VERDICT_INDICATOR = {
    Verdict.CONTRAINDICATED: "critical",
    Verdict.NO_PAIRING_EVIDENCE: "warning",
    Verdict.PAIRING_EVIDENCE: "info",
}
PLAN_OVERRIDES = (
    ("not-treating-condition", "Not treating this condition with this medication"),
    ("plan-in-place", "A psychotherapy plan is already in place"),
    ("clinical-judgement", "Clinical judgement: this plan does not fit this patient"),
)
SAFETY_OVERRIDES = (
    ("benefit-outweighs-risk", "Benefit outweighs risk; precautions in place"),
    ("medication-stopped", "The interacting medication has been stopped"),
    ("not-applicable", "Does not apply to this patient"),
)
OVERRIDE_REASONS = (*PLAN_OVERRIDES, *SAFETY_OVERRIDES)
OVERRIDE_CODES = {code for code, _ in OVERRIDE_REASONS}
# What a card is about (its source's topic).
CARD_TOPICS = {
    "plan": "Psychotherapy plan",
    "contraindication": "Contraindication",
    "interaction": "Co-medication interaction",
    "safety": "Safety statement",
    "content-gap": "Gap in this service's content",
    "screen-incomplete": "Interaction screen incomplete",
}


def _overrides(reasons: Sequence[tuple[str, str]], base: str) -> list[dict]:
    return [coding(own_system(base, "override-reason"), code, label) for code, label in reasons]


def _shorten(text: str, limit: int = SUMMARY_LIMIT - 1) -> str:
    """A summary within the spec's limit, cut at a word with an ellipsis when too long."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _reference_line(reference: Reference) -> str:
    label = f"[{reference.seed_number}] " if reference.seed_number is not None else ""
    link = f" [doi:{reference.doi}]({reference.doi_url})" if reference.doi else ""
    return f"- {label}{reference.short_citation}. {reference.title}.{link}"


def _cite(references: Sequence[Reference]) -> str:
    return ", ".join(
        f"ref {r.seed_number}" if r.seed_number is not None else r.short_citation
        for r in references
    )


@dataclass
class CardContext:
    """What every card links to: the service's base URLs and the FHIR base for code systems."""

    api_base: str  # e.g. https://host/api/v1
    fhir_base: str

    def plan_url(self, plan: Plan) -> str:
        query = [("disorder", plan.disorder.slug), ("compound", plan.compound.slug)]
        query += [("profile", factor.slug) for factor in plan.profile]
        query += [("medications", c.medication_class.slug) for c in plan.co_medications]
        return f"{self.api_base}/recommendations/?{urlencode(query)}"

    def source(self, url: str, topic: str) -> dict:
        return {
            "label": PUBLISHER,
            "url": url,
            "topic": coding(own_system(self.fhir_base, "card-topic"), topic, CARD_TOPICS[topic]),
        }


def plan_card(plan: Plan, context: CardContext) -> dict:
    """The summary card of one plan."""
    verdict = Verdict(plan.verdict)
    compound, disorder = plan.compound.name, plan.disorder.name
    summary = {
        Verdict.CONTRAINDICATED: f"{compound} for {disorder}: a contraindication applies",
        Verdict.PAIRING_EVIDENCE: f"{compound} for {disorder}: phased psychotherapy plan "
        "(pairing-specific evidence)",
        Verdict.NO_PAIRING_EVIDENCE: f"{compound} for {disorder}: psychotherapy plan from "
        "general evidence only",
    }[verdict]
    lines = [f"**Verdict:** {verdict.label}."]
    if plan.overall_certainty:
        certainty = Certainty(plan.overall_certainty).label.lower()
        lines[0] += f" Certainty of the pairing's evidence: {certainty}."
    if plan.contraindications:
        lines.append(
            "**Contraindications:** "
            + "; ".join(w.title for w in plan.contraindications)
            + " (each on a card of its own)."
        )
    cited: dict[int, Reference] = {}
    for phase, items in plan.phases.items():
        if not items:
            continue
        lines.append(f"\n### {TreatmentPhase(phase).label}")
        top = [plan.tops[phase], *[i for i in items if i is not plan.tops[phase]]]
        for rank, item in enumerate(top[:TOP_ITEMS_PER_PHASE], start=1):
            lead = item.lead.guidance
            references = list(lead.references.all())
            cited.update({r.pk: r for r in references})
            grade = GuidanceStrength(lead.strength).label.lower()
            if lead.certainty:
                grade += f"; certainty {Certainty(lead.certainty).label.lower()}"
            lines.append(f"{rank}. **{item.modality.name}** ({grade}). {_cite(references)}")
    others = [w for w in plan.warnings if w.kind != INTERACTION]
    if others:
        lines.append("\n### Warnings")
        lines += [f"- **{w.title}** ({Severity(w.severity).label.lower()})" for w in others]
    if cited:
        lines.append("\n### References")
        lines += [_reference_line(r) for r in cited.values()]
    lines.append(f"\n_{DISCLAIMER}_")
    url = context.plan_url(plan)
    return {
        "uuid": str(uuid.uuid4()),
        "summary": _shorten(summary),
        "indicator": VERDICT_INDICATOR[verdict],
        "detail": "\n".join(lines),
        "source": context.source(url, "plan"),
        "links": [{"label": "The full plan (JSON)", "url": url, "type": "absolute"}],
        "overrideReasons": _overrides(PLAN_OVERRIDES, context.fhir_base),
    }


def safety_card(
    warning: PlanWarning, compound: Compound, context: CardContext, *, plan_url: str
) -> dict:
    """A card for a contraindication, a recorded interaction, or another warning a clinician
    must see (a critical or caution safety statement, a gap in the content)."""
    interaction = warning.interaction
    lines = [warning.message]
    if interaction is not None:
        risk = InteractionRisk(interaction.risk)
        lines.append(f"\n**Risk:** {risk.label}.")
        if interaction.reliability:
            lines.append(
                f"**Reliability:** {InteractionReliability(interaction.reliability).label}."
            )
        if interaction.risk_basis:
            lines.append(
                f"**Why this risk level (an editor's judgement):** {interaction.risk_basis}"
            )
        lines.append(
            f"**Management:** {interaction.management}"
            if interaction.management
            else "**Management:** none of this service's sources advises on management."
        )
        url = f"{context.api_base}/interactions/{interaction.slug}/"
        indicator = "critical" if warning.severity == Severity.CRITICAL else "warning"
        topic = "interaction"
    elif warning.kind == CONTENT_GAP:
        # The service's own warning that the content lacks what every plan needs: no statement
        # to link to, so the card links the plan it is about.
        url = plan_url
        indicator = SEVERITY_INDICATOR[Severity(warning.severity)]
        topic = "content-gap"
    else:
        url = f"{context.api_base}/safety-statements/{warning.code}/"
        indicator = (
            "critical"
            if warning.contraindicates
            else SEVERITY_INDICATOR[Severity(warning.severity)]
        )
        topic = "contraindication" if warning.contraindicates else "safety"
    if warning.references:
        lines.append("\n### References")
        lines += [_reference_line(r) for r in warning.references]
    return {
        "uuid": str(uuid.uuid4()),
        "summary": _shorten(f"{compound.name}: {warning.title}"),
        "indicator": indicator,
        "detail": "\n".join(lines),
        "source": context.source(url, topic),
        "links": [
            {
                "label": "The full plan (JSON)" if url == plan_url else "The source (JSON)",
                "url": url,
                "type": "absolute",
            }
        ],
        "overrideReasons": _overrides(SAFETY_OVERRIDES, context.fhir_base),
    }


def order_cards(
    *,
    plans: Sequence[Plan],
    compounds: Sequence[Compound],
    medications: Sequence[MedicationClass],
    context: CardContext,
) -> list[dict]:
    """The cards for orders of these compounds: each plan's, then one per warning a clinician
    must see (contraindications, interactions, critical and caution statements and gaps; each
    once, however many plans it appears in); most urgent first. Information-level warnings stay
    in the plan card's detail."""
    cards, seen = [], set()

    def add_safety(warning: PlanWarning, compound: Compound, plan_url: str) -> None:
        key = (compound.pk, warning.kind, warning.code)
        if key not in seen:
            seen.add(key)
            cards.append(safety_card(warning, compound, context, plan_url=plan_url))

    for plan in plans:
        cards.append(plan_card(plan, context))
        for warning in [*plan.contraindications, *plan.warnings]:
            if warning.contraindicates or warning.severity != Severity.INFO:
                add_safety(warning, plan.compound, context.plan_url(plan))
    # An order is screened for interactions whether or not a condition maps to a disorder.
    for compound in compounds:
        for co_medication in co_medications_get(compound, medications):
            for interaction in co_medication.interactions:
                warning = PlanWarning.from_interaction(interaction, compound)
                add_safety(warning, compound, f"{context.api_base}/interactions/")
    return sorted(cards, key=lambda card: INDICATOR_ORDER[card["indicator"]])


def screen_card(
    record_unscreened: Sequence[str], incomplete: Sequence[str], context: CardContext
) -> dict:
    """A warning that the interaction screen saw less than the whole medication list: no card
    about an interaction is not a statement that there is none."""
    lines = ["Interactions were screened only against the medications this service could read."]
    if record_unscreened:
        lines.append(
            "\n**Not screened** (no ATC code, the only medication code this service maps yet; "
            "RxNorm is not mapped): " + "; ".join(dict.fromkeys(record_unscreened)) + "."
        )
    if incomplete:
        lines.append("\n**Not read:** " + "; ".join(incomplete) + ".")
    lines.append("\nCheck these medications against the interactions listed at the link.")
    url = f"{context.api_base}/interactions/"
    return {
        "uuid": str(uuid.uuid4()),
        "summary": _shorten(
            "Interaction screen incomplete: some of the patient's medications could not be read"
        ),
        "indicator": "warning",
        "detail": "\n".join(lines),
        "source": context.source(url, "screen-incomplete"),
        "links": [{"label": "Recorded interactions (JSON)", "url": url, "type": "absolute"}],
        "overrideReasons": _overrides(SAFETY_OVERRIDES, context.fhir_base),
    }


def condition_cards(
    disorders: Sequence[Disorder], medications: Sequence[MedicationClass], context: CardContext
) -> list[dict]:
    """For a patient on no psychoplastogen: per disorder, the compounds with guidance specific to
    it, each judged with what the patient takes. A compound whose plan for this patient is
    contraindicated (by the content, or by an interaction with their medications) is named as
    such, never offered; a disorder no compound has specific guidance for gets no card."""
    candidates: dict[int, list[Compound]] = {}
    for cell in recommendation_matrix(disorders=list(disorders)):
        if cell.verdict != Verdict.NO_PAIRING_EVIDENCE:
            candidates.setdefault(cell.disorder.pk, []).append(cell.compound)
    if sum(len(found) for found in candidates.values()) > MAX_PLANS:
        raise RecordError(
            f"The record's conditions have guidance with more than {MAX_PLANS} compounds; send "
            "the conditions the plan is for."
        )
    cards = []
    for disorder in disorders:
        plans = [
            recommendation_plan(disorder=disorder, compound=compound, medications=medications)
            for compound in candidates.get(disorder.pk, [])
        ]
        if not plans:
            continue
        offered = [p for p in plans if p.verdict == Verdict.PAIRING_EVIDENCE]
        refused = [p for p in plans if p.verdict == Verdict.CONTRAINDICATED]
        lines = []
        if offered:
            lines += [
                f"Guidance specific to {disorder.name} exists for: "
                + ", ".join(p.compound.name for p in offered)
                + ". Each plan pairs the compound with structured psychotherapy (preparation, "
                "the medication session, integration).",
                "",
                *[f"- [{p.compound.name}]({context.plan_url(p)})" for p in offered],
            ]
        if refused:
            lines += [
                "",
                f"**Contraindicated for this patient** (guidance specific to {disorder.name} "
                "exists, but a contraindication applies):",
                *[
                    f"- [{p.compound.name}]({context.plan_url(p)}): "
                    + "; ".join(w.title for w in p.contraindications)
                    for p in refused
                ],
            ]
        lines.append(f"\n_{DISCLAIMER}_")
        if offered:
            summary = f"{disorder.name}: pairing-specific guidance for " + ", ".join(
                p.compound.name for p in offered
            )
        else:
            summary = f"{disorder.name}: the compounds with guidance are contraindicated here"
        cards.append(
            {
                "uuid": str(uuid.uuid4()),
                "summary": _shorten(summary),
                "indicator": "warning" if refused else "info",
                "detail": "\n".join(lines),
                "source": context.source(f"{context.api_base}/disorders/{disorder.slug}/", "plan"),
                "links": [
                    {
                        "label": f"Plan with {p.compound.name} (JSON)",
                        "url": context.plan_url(p),
                        "type": "absolute",
                    }
                    for p in plans
                ],
                "overrideReasons": _overrides(PLAN_OVERRIDES, context.fhir_base),
            }
        )
    return cards


def selected_orders(context: Mapping, hook: str) -> list[Mapping]:
    """The draft MedicationRequests a call is about: the selected ones for order-select, every
    one for order-sign."""
    bundle = context.get("draftOrders")
    entries = bundle.get("entry") if isinstance(bundle, Mapping) else None
    resources = [
        e.get("resource")
        for e in (entries if isinstance(entries, list) else [])
        if isinstance(e, Mapping) and isinstance(e.get("resource"), Mapping)
    ]
    orders = [r for r in resources if r.get("resourceType") == "MedicationRequest"]
    if hook == "order-select":
        selections = context.get("selections")
        listed = selections if isinstance(selections, list) else []
        chosen = {item for item in listed if isinstance(item, str)}
        orders = [r for r in orders if f"MedicationRequest/{r.get('id')}" in chosen]
    return orders
