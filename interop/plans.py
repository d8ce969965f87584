"""Plans for a patient known only by standard codes: the same engine call the JSON endpoint makes,
for each disorder their conditions code for, with the compound ordered and the medication classes
they already take. FHIR's $apply and the CDS Hooks services both answer from here."""

from dataclasses import dataclass, field

from compounds.models import Compound
from disorders.models import Disorder, ProfileFactor
from guidance.recommendations import Plan, recommendation_plan
from interop.http import ClientError
from interop.patient import (
    Coding,
    compounds_coded,
    disorders_coded,
    medication_classes_coded,
    profile_factors_coded,
)
from medications.models import MedicationClass

# Bounds on what one call may ask for: codes read from a record, and plans built for it.
MAX_CODINGS = 5000
MAX_PLANS = 12


class RecordError(ClientError):
    """A record too large to answer for (a 422); the message says why and what would do."""

    def __init__(self, message: str):
        super().__init__(422, message, code="too-costly")


@dataclass
class PatientPlans:
    """What a record maps to here, and the plan for each disorder and compound found."""

    disorders: list[Disorder] = field(default_factory=list)
    compounds: list[Compound] = field(default_factory=list)
    medication_classes: list[MedicationClass] = field(default_factory=list)
    profile: list[ProfileFactor] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)


def patient_plans(
    *,
    conditions: list[Coding],
    orders: list[Coding],
    medications: list[Coding],
    profile: list[Coding] = (),
    base: str,
) -> PatientPlans:
    """Map the codes to rows and build a plan for every disorder with every compound ordered.

    ``orders`` are the codes of the medications being ordered (the compounds); ``medications``
    those the patient takes (their classes screen for interactions). A code that maps to nothing
    is ignored: most of a record is about other things.
    """
    for name, codings in (("conditions", conditions), ("medications", [*orders, *medications])):
        if len(codings) > MAX_CODINGS:
            raise RecordError(
                f"More than {MAX_CODINGS} codes in the {name}; send the active ones only."
            )
    found = PatientPlans(
        disorders=disorders_coded(conditions, base),
        compounds=compounds_coded(orders, base),
        medication_classes=medication_classes_coded(medications, base),
        profile=profile_factors_coded(list(profile), base),
    )
    if len(found.disorders) * len(found.compounds) > MAX_PLANS:
        raise RecordError(
            f"The record maps to {len(found.disorders)} disorders and {len(found.compounds)} "
            f"compounds: more than {MAX_PLANS} plans. Send the conditions and the order the plan "
            "is for."
        )
    found.plans = [
        recommendation_plan(
            disorder=disorder,
            compound=compound,
            profile=found.profile,
            medications=found.medication_classes,
        )
        for compound in found.compounds
        for disorder in found.disorders
    ]
    return found
