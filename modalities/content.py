"""How fixtures/modalities.yaml maps onto Modality rows."""

from typing import Any

from content.loader import ContentFile, Spec
from modalities.models import PHASE_FIELDS, Modality, TreatmentPhase


def _prepare(entry: dict[str, Any]) -> dict[str, Any]:
    """Turn the list of phases into the model's one flag per phase."""
    phases = entry.pop("phases", None) or []
    unknown = set(phases) - set(TreatmentPhase.values)
    if unknown:
        raise ValueError(
            f"unknown phase(s) {', '.join(sorted(unknown))}; "
            f"valid: {', '.join(TreatmentPhase.values)}"
        )
    for phase, field in PHASE_FIELDS.items():
        entry[field] = phase.value in phases
    return entry


MODALITIES = ContentFile(
    "modalities.yaml",
    Spec(
        model=Modality,
        fields=(
            "name",
            "lineage",
            "aims",
            "phase_note",
            "minimum_standard_phase",
            *PHASE_FIELDS.values(),
        ),
        text_lists=("key_techniques",),
        citations=("references",),
        prepare=_prepare,
    ),
)
