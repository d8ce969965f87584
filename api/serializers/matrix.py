"""The recommendation matrix: every disorder with every compound, what is specific and strong."""

from rest_framework import serializers

from api.serializers.common import (
    CompoundLinkSerializer,
    DisorderLinkSerializer,
    ModalityLinkSerializer,
    PhaseSerializer,
    phase_list,
)
from api.serializers.grading import CertaintyField
from api.serializers.plans import evidence_level_field
from guidance.recommendations import MatrixCell, Specificity, Verdict
from modalities.models import TreatmentPhase


class MatrixTopSerializer(serializers.Serializer):
    """A phase's top approach, as the single plan for the pair shows it."""

    modality = ModalityLinkSerializer()
    specificity = serializers.ChoiceField(
        choices=Specificity.choices,
        help_text="What the guidance that makes it the top is scoped to: general means the phase "
        "has no guidance specific to this disorder or compound.",
    )
    certainty = CertaintyField()


class MatrixPhaseSerializer(PhaseSerializer):
    """One phase of a matrix cell: its top approach, null when the phase has none."""

    top = MatrixTopSerializer(allow_null=True)


class MatrixCellSerializer(serializers.Serializer):
    """One disorder with one compound: the verdict, the certainty and the top of each phase."""

    disorder = DisorderLinkSerializer()
    compound = CompoundLinkSerializer()
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    overall_certainty = CertaintyField()
    phases = MatrixPhaseSerializer(
        many=True, help_text="Every phase, in treatment order, with its top approach."
    )
    evidence_level = evidence_level_field()
    has_pairing_evidence = serializers.BooleanField()


def _top(match) -> dict | None:
    if match is None:
        return None
    return {
        "modality": match.guidance.modality,
        "specificity": match.specificity,
        "certainty": match.guidance.certainty,
    }


def matrix_cell(cell: MatrixCell) -> dict:
    """Show one matrix cell."""
    return {
        "disorder": cell.disorder,
        "compound": cell.compound,
        "verdict": cell.verdict,
        "overall_certainty": cell.overall_certainty,
        "phases": phase_list(TreatmentPhase.values, top=lambda phase: _top(cell.tops[phase])),
        "evidence_level": cell.evidence_level,
        "has_pairing_evidence": cell.has_pairing_evidence,
    }


class MatrixSerializer(serializers.Serializer):
    """Every disorder with every compound: verdict, certainty and each phase's top approach."""

    count = serializers.IntegerField(help_text="Number of disorders in all pages.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    disorders = DisorderLinkSerializer(many=True)
    compounds = CompoundLinkSerializer(many=True)
    cells = MatrixCellSerializer(many=True)
    content_version = serializers.CharField()
    disclaimer = serializers.CharField()
