"""How fixtures/medications.yaml and fixtures/interactions.yaml map onto rows."""

from content.loader import Child, ContentFile, ForeignKey, Spec
from medications.models import Interaction, Medication, MedicationClass

MEDICATIONS = ContentFile(
    "medications.yaml",
    Spec(
        model=MedicationClass,
        fields=("name", "description", "atc_code", "atc_source"),
        children=(
            Child(
                key="members",
                parent_field="medication_class",
                spec=Spec(model=Medication, fields=("name", "atc_code", "atc_source")),
            ),
        ),
    ),
)

INTERACTIONS = ContentFile(
    "interactions.yaml",
    Spec(
        model=Interaction,
        fields=(
            "compound_class",
            "effect",
            "risk",
            "risk_basis",
            "reliability",
            "summary",
            "management",
        ),
        foreign_keys=(ForeignKey("compound"), ForeignKey("medication_class")),
        citations=("references",),
    ),
)
