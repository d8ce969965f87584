"""The recommendation matrix: every disorder with every compound, what is specific and strong."""

from rest_framework import serializers

from api.serializers.plans import NamedSerializer
from guidance.recommendations import MatrixCell, Specificity


class MatrixCellSerializer(serializers.Serializer):
    """One disorder with one compound."""

    disorder = serializers.SlugField()
    compound = serializers.SlugField()
    evidence_level = serializers.CharField(
        help_text="Strongest evidence type behind disorder+compound guidance, or 'none'."
    )
    has_pairing_evidence = serializers.BooleanField()
    top_modality = NamedSerializer(allow_null=True, help_text="The plan's first recommendation.")
    top_phase = serializers.CharField(allow_null=True)
    top_specificity = serializers.ChoiceField(choices=Specificity.choices, allow_null=True)
    top_score = serializers.IntegerField(allow_null=True)


def matrix_cell(cell: MatrixCell) -> dict:
    """Show one matrix cell."""
    top = cell.top
    return {
        "disorder": cell.disorder.slug,
        "compound": cell.compound.slug,
        "evidence_level": cell.evidence_level,
        "has_pairing_evidence": cell.has_pairing_evidence,
        "top_modality": top.guidance.modality if top else None,
        "top_phase": top.guidance.phase if top else None,
        "top_specificity": top.specificity if top else None,
        "top_score": top.score if top else None,
    }


class MatrixSerializer(serializers.Serializer):
    """Every disorder with every compound: strongest evidence and top modality."""

    count = serializers.IntegerField(help_text="Number of disorders in all pages.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    disorders = NamedSerializer(many=True)
    compounds = NamedSerializer(many=True)
    cells = MatrixCellSerializer(many=True)
    content_version = serializers.CharField()
    disclaimer = serializers.CharField()
