"""How fixtures/compounds.yaml and fixtures/mechanisms.yaml map onto rows."""

from typing import Any

from compounds.models import Compound, CompoundMechanism, Mechanism
from content.loader import Child, ContentFile, ForeignKey, Spec


def _prepare_compound(entry: dict[str, Any]) -> dict[str, Any]:
    """Flatten the nested plasticity_window mapping into the model's columns."""
    window = entry.pop("plasticity_window", None) or {}
    if not isinstance(window, dict):
        raise ValueError("plasticity_window must be a mapping")
    unknown = set(window) - {"min_hours", "max_hours", "statement", "references"}
    if unknown:
        raise ValueError(f"plasticity_window has unknown field(s) {', '.join(sorted(unknown))}")
    entry["plasticity_window_min_hours"] = window.get("min_hours")
    entry["plasticity_window_max_hours"] = window.get("max_hours")
    entry["plasticity_window_statement"] = window.get("statement", "")
    entry["plasticity_window_references"] = window.get("references", [])
    return entry


COMPOUNDS = ContentFile(
    "compounds.yaml",
    Spec(
        model=Compound,
        fields=(
            "name",
            "compound_class",
            "summary",
            "plasticity_window_min_hours",
            "plasticity_window_max_hours",
            "plasticity_window_statement",
        ),
        text_lists=("synonyms", "primary_targets"),
        citations=("references", "plasticity_window_references"),
        prepare=_prepare_compound,
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
