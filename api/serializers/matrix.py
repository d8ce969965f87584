"""The recommendation matrix: every disorder with every compound, what is specific and strong."""

from collections.abc import Sequence

from rest_framework import serializers
from rest_framework.request import Request

from api.serializers.common import (
    CompoundLinkSerializer,
    DisorderLinkSerializer,
    ModalityLinkSerializer,
    PhaseSerializer,
    phase_list,
)
from api.serializers.grading import CertaintyField
from api.serializers.plans import DocumentLinks, choice, evidence_level_field
from disorders.models import Disorder
from guidance.recommendations import CellSummary, Match, MatrixCell, Specificity, Verdict
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


# --- The matrix document, built by plain functions -----------------------------------------------
#
# As for the plan (api/serializers/plans.py): the serializers above declare the matrix for the
# OpenAPI document; the endpoint builds the same document with plain functions. A page holds one
# cell per disorder and compound (8,000 at 100 times the content), and cells that share a summary
# (``CellSummary``) share what they show of it.


def _top(match: Match | None, links: DocumentLinks) -> dict | None:
    if match is None:
        return None
    return {
        "modality": links.link("modality", match.guidance.modality),
        "specificity": choice(match.specificity),
        "certainty": match.guidance.certainty or None,
    }


def _summary(summary: CellSummary, links: DocumentLinks) -> dict:
    """What every cell sharing this summary shows, besides its disorder and compound."""
    return {
        "verdict": choice(summary.verdict),
        "overall_certainty": summary.overall_certainty or None,
        "phases": phase_list(
            TreatmentPhase.values, top=lambda phase: _top(summary.tops[phase], links)
        ),
        "evidence_level": choice(summary.evidence_level),
        "has_pairing_evidence": summary.has_pairing_evidence,
    }


def matrix_document(
    *,
    count: int,
    next_page: str | None,
    previous_page: str | None,
    disorders: Sequence[Disorder],
    cells: Sequence[MatrixCell],
    request: Request | None,
    content_version: str,
    disclaimer: str,
) -> dict:
    """One page of the matrix as MatrixSerializer declares it: its disorders, the compounds of
    its cells, and the cells."""
    links = DocumentLinks(request)
    summaries: dict[int, dict] = {}
    shown = []
    for cell in cells:
        summary = summaries.get(id(cell.summary))
        if summary is None:
            summary = summaries[id(cell.summary)] = _summary(cell.summary, links)
        shown.append(
            {
                "disorder": links.link("disorder", cell.disorder),
                "compound": links.link("compound", cell.compound),
                "verdict": summary["verdict"],
                "overall_certainty": summary["overall_certainty"],
                "phases": summary["phases"],
                "evidence_level": summary["evidence_level"],
                "has_pairing_evidence": summary["has_pairing_evidence"],
            }
        )
    compounds = dict.fromkeys(cell.compound for cell in cells)
    return {
        "count": count,
        "next": next_page,
        "previous": previous_page,
        "disorders": [links.link("disorder", disorder) for disorder in disorders],
        "compounds": [links.link("compound", compound) for compound in compounds],
        "cells": shown,
        "content_version": content_version,
        "disclaimer": disclaimer,
    }
