"""How the guidance app's fixtures map onto rows."""

from typing import Any

from content.loader import ContentFile, ForeignKey, Spec
from guidance.grading import grading_problems
from guidance.models import Guidance, SafetyStatement

SCOPE = (ForeignKey("disorder"), ForeignKey("compound"), ForeignKey("profile_factor"))


def _check_grading(values: dict[str, Any], citations: dict[str, list]) -> list[str]:
    return grading_problems(
        kind=values["kind"],
        certainty=values["certainty"],
        rationale=values["certainty_rationale"],
        provenance=values["provenance"],
        strength=values["strength"],
        evidence_types=[ref.evidence_type for ref in citations["references"]],
    )


GUIDANCE = ContentFile(
    "guidance.yaml",
    Spec(
        model=Guidance,
        fields=(
            "phase",
            "rationale",
            "strength",
            "kind",
            "direction",
            "certainty",
            "certainty_rationale",
        ),
        check=_check_grading,
        foreign_keys=(*SCOPE, ForeignKey("modality")),
        citations=("references",),
        # The article's content is published as it loads; publication is an editor's matter
        # afterwards (not part of the fixture), so unpublishing in admin survives a reload.
        on_create=lambda row: row.publish(),
    ),
)

SAFETY_STATEMENTS = ContentFile(
    "safety.yaml",
    Spec(
        model=SafetyStatement,
        fields=("title", "message", "kind", "severity", "trigger", "compound_class"),
        foreign_keys=SCOPE,
        citations=("references",),
    ),
)
