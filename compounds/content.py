"""How fixtures/compounds.yaml and fixtures/mechanisms.yaml map onto rows."""

from typing import Any

from compounds.models import Compound, CompoundCode, CompoundMechanism, Mechanism
from content.loader import Child, ContentFile, ForeignKey, Spec, codes_child

# The nested ``plasticity`` mapping of a compound entry and the model column each key fills.
PLASTICITY_KEYS = {
    "onset_min_hours": "plasticity_onset_min_hours",
    "onset_max_hours": "plasticity_onset_max_hours",
    "window_duration_hours": "plasticity_window_duration_hours",
    "window_duration_note": "plasticity_window_duration_note",
    "statement": "plasticity_statement",
    "references": "plasticity_window_references",
    "provenance": "plasticity_provenance",
    "locator": "plasticity_locator",
}


def _prepare_compound(entry: dict[str, Any]) -> dict[str, Any]:
    """Flatten the nested plasticity mapping into the model's columns."""
    plasticity = entry.pop("plasticity", None) or {}
    if not isinstance(plasticity, dict):
        raise ValueError("plasticity must be a mapping")
    unknown = set(plasticity) - set(PLASTICITY_KEYS)
    if unknown:
        raise ValueError(
            f"plasticity has unknown field(s) {', '.join(sorted(unknown))}; "
            f"accepted: {', '.join(PLASTICITY_KEYS)}"
        )
    for key, column in PLASTICITY_KEYS.items():
        if key in plasticity:
            entry[column] = plasticity[key]
    return entry


COMPOUNDS = ContentFile(
    "compounds.yaml",
    Spec(
        model=Compound,
        fields=(
            "name",
            "compound_class",
            "summary",
            "plasticity_onset_min_hours",
            "plasticity_onset_max_hours",
            "plasticity_window_duration_hours",
            "plasticity_window_duration_note",
            "plasticity_statement",
        ),
        text_lists=("synonyms", "primary_targets"),
        citations=("references", "plasticity_window_references"),
        prepare=_prepare_compound,
        children=(codes_child(CompoundCode, "compound"),),
    ),
)

MECHANISMS = ContentFile(
    "mechanisms.yaml",
    Spec(
        model=Mechanism,
        fields=("name", "level", "description"),
        citations=("references",),
        children=(
            Child(
                key="compounds",
                parent_field="mechanism",
                spec=Spec(
                    model=CompoundMechanism,
                    key=("compound",),
                    fields=("evidence_basis", "summary"),
                    foreign_keys=(ForeignKey("compound"),),
                    citations=("references",),
                ),
            ),
        ),
    ),
)
