"""The recommendation matrix: every disorder with every compound, what is specific and strong."""

from rest_framework import serializers

from api.serializers.grading import CertaintyField
from api.serializers.plans import NamedSerializer
from guidance.recommendations import MatrixCell, Specificity, Verdict


class MatrixTopSerializer(serializers.Serializer):
    """A phase's top approach, as the single plan for the pair shows it."""

    modality = NamedSerializer()
    specificity = serializers.ChoiceField(
        choices=Specificity.choices,
        help_text="What the guidance that makes it the top is scoped to: general means the phase "
        "has no guidance specific to this disorder or compound.",
    )
    certainty = CertaintyField()


class MatrixTopsSerializer(serializers.Serializer):
    preparation = MatrixTopSerializer(allow_null=True)
    medication_session = MatrixTopSerializer(allow_null=True)
    integration = MatrixTopSerializer(allow_null=True)


class MatrixCellSerializer(serializers.Serializer):
    """One disorder with one compound: the verdict, the certainty and the top of each phase."""

    disorder = serializers.SlugField()
    compound = serializers.SlugField()
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    overall_certainty = CertaintyField()
    tops = MatrixTopsSerializer()
    evidence_level = serializers.CharField(
        help_text="Strongest evidence type behind disorder+compound guidance, or 'none'."
    )
    has_pairing_evidence = serializers.BooleanField()


def matrix_cell(cell: MatrixCell) -> dict:
    """Show one matrix cell."""
    return {
        "disorder": cell.disorder.slug,
        "compound": cell.compound.slug,
        "verdict": cell.verdict,
        "overall_certainty": cell.overall_certainty,
        "tops": {
            phase: {
                "modality": top.guidance.modality,
                "specificity": top.specificity,
                "certainty": top.guidance.certainty,
            }
            if top
            else None
            for phase, top in cell.tops.items()
        },
        "evidence_level": cell.evidence_level,
        "has_pairing_evidence": cell.has_pairing_evidence,
    }


class MatrixSerializer(serializers.Serializer):
    """Every disorder with every compound: verdict, certainty and each phase's top approach."""

    count = serializers.IntegerField(help_text="Number of disorders in all pages.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    disorders = NamedSerializer(many=True)
    compounds = NamedSerializer(many=True)
    cells = MatrixCellSerializer(many=True)
    content_version = serializers.CharField()
    disclaimer = serializers.CharField()
