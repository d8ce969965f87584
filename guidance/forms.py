"""The admin form of guidance: the shared statement rules plus the grading rules."""

from content.forms import CitedModelForm
from guidance.grading import grading_problems


class GuidanceForm(CitedModelForm):
    """Refuses guidance graded above what its references allow (guidance/grading.py)."""

    def clean(self):
        cleaned = super().clean()
        if self.errors or "kind" not in self.fields:
            return cleaned
        for problem in grading_problems(
            kind=cleaned.get("kind") or "",
            certainty=cleaned.get("certainty") or "",
            rationale=cleaned.get("certainty_rationale") or "",
            provenance=cleaned.get("provenance") or "",
            strength=cleaned.get("strength") or "",
            evidence_types=[ref.evidence_type for ref in cleaned.get("references") or []],
        ):
            field = "certainty" if "certainty" in problem else None
            self.add_error(field, problem)
        return cleaned
