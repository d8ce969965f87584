"""This service's own code systems as FHIR CodeSystem resources, so that every system URI its
FHIR resources and CDS Hooks cards use (``<base>/CodeSystem/<name>``) resolves to its codes.

Content rows (disorders, compounds, medications, profile factors, modalities) are read from the
database, one query each; fixed vocabularies come from the code that defines them.
"""

from collections.abc import Callable

from compounds.models import Compound
from disorders.models import Disorder, ProfileFactor
from guidance.recommendations import WARNING_KINDS, Verdict
from interop.cds_hooks import CARD_TOPICS, OVERRIDE_REASONS
from medications.models import Medication, MedicationClass
from modalities.models import Modality, TreatmentPhase


def _slugs(model) -> list[tuple[str, str]]:
    return list(model.objects.order_by("slug").values_list("slug", "name"))


def _medications() -> list[tuple[str, str, str]]:
    classes = [(slug, name, "A medication class") for slug, name in _slugs(MedicationClass)]
    taken = {slug for slug, *_ in classes}
    members = Medication.objects.select_related("medication_class").order_by("slug")
    return classes + [
        (m.slug, m.name, f"A member of {m.medication_class.name}; stands for its class")
        for m in members
        if m.slug not in taken
    ]


# name -> (title, description, the codes: (code, display[, definition]) tuples)
CODE_SYSTEMS: dict[str, tuple[str, str, Callable[[], list[tuple]]]] = {
    "disorder": (
        "Disorders",
        "The disorders this service has guidance for, by slug (their standard codes are on "
        "/api/v1/disorders/).",
        lambda: _slugs(Disorder),
    ),
    "compound": (
        "Compounds",
        "The psychoplastogens this service has guidance for, by slug.",
        lambda: _slugs(Compound),
    ),
    "medication": (
        "Medications",
        "Medication classes, and their members, screened for interactions, by slug.",
        _medications,
    ),
    "profile-factor": (
        "Clinical-profile factors",
        "Factors of a patient's clinical profile that select or lift guidance, by slug.",
        lambda: _slugs(ProfileFactor),
    ),
    "modality": (
        "Psychotherapy modalities",
        "The psychotherapy approaches guidance pairs with a compound, by slug.",
        lambda: _slugs(Modality),
    ),
    "treatment-phase": (
        "Treatment phases",
        "The three phases of psychoplastogen-assisted therapy, in treatment order.",
        lambda: list(TreatmentPhase.choices),
    ),
    "verdict": (
        "Plan verdicts",
        "What a plan answers first.",
        lambda: [
            (value, value.replace("_", " ").capitalize(), label) for value, label in Verdict.choices
        ],
    ),
    "warning-kind": (
        "Plan warning kinds",
        "What a plan's warning, a DetectedIssue or a CDS Hooks card's topic is.",
        lambda: list(WARNING_KINDS),
    ),
    "card-topic": (
        "CDS Hooks card topics",
        "What a card of this service's is about (its source's topic).",
        lambda: list(CARD_TOPICS.items()),
    ),
    "override-reason": (
        "CDS Hooks override reasons",
        "Why a clinician may override a card of this service's.",
        lambda: list(OVERRIDE_REASONS),
    ),
}
