"""Guidance: the cited pairings, in lists and in detail, and grouped by phase inside a disorder.

Wherever guidance rows are listed in full (a disorder's, a modality's, a profile factor's), each
row has the detail's shape, ``GuidanceDetailSerializer``.
"""

from collections.abc import Iterable

from rest_framework import serializers

from api.serializers.common import (
    CitationsField,
    CompoundLinkSerializer,
    DisorderLinkSerializer,
    ModalityLinkSerializer,
    NullableModelSerializer,
    PhaseSerializer,
    ProfileFactorLinkSerializer,
    ProvenanceField,
    link,
    locator_field,
    phase_list,
)
from api.serializers.grading import CertaintyField
from compounds.models import Compound
from guidance.models import Guidance
from modalities.models import TreatmentPhase, by_phase


class GuidanceListSerializer(NullableModelSerializer):
    """A cited pairing of a modality, in one phase, with a disorder, compound or profile factor
    (all null: general guidance for every plan)."""

    name = serializers.CharField(
        read_only=True,
        help_text="A readable name made from the modality, phase and scope (guidance has no "
        "name of its own).",
    )
    disorder = DisorderLinkSerializer(allow_null=True)
    compound = CompoundLinkSerializer(allow_null=True)
    profile_factor = ProfileFactorLinkSerializer(allow_null=True)
    modality = ModalityLinkSerializer()
    provenance = ProvenanceField()
    certainty = CertaintyField()
    url = link("guidance-detail")

    class Meta:
        model = Guidance
        fields = [
            "slug",
            "name",
            "disorder",
            "compound",
            "profile_factor",
            "modality",
            "phase",
            "strength",
            "kind",
            "direction",
            "certainty",
            "provenance",
            "published_at",
            "url",
        ]


class GuidanceDetailSerializer(GuidanceListSerializer):
    """A guidance row in full: what it pairs, how strongly, why, and on what evidence."""

    references = CitationsField()
    locator = locator_field()

    class Meta(GuidanceListSerializer.Meta):
        fields = [
            *GuidanceListSerializer.Meta.fields,
            "rationale",
            "references",
            "locator",
            "certainty_rationale",
        ]


class GuidancePhaseSerializer(PhaseSerializer):
    """One phase of a disorder's guidance for one compound."""

    guidance = GuidanceDetailSerializer(many=True)


class GuidanceGroupSerializer(serializers.Serializer):
    """A disorder's guidance for one compound (null: guidance for any compound), by phase."""

    compound = CompoundLinkSerializer(allow_null=True)
    phases = GuidancePhaseSerializer(
        many=True, help_text="Every phase, in treatment order, with its guidance (maybe none)."
    )


def guidance_groups(rows: Iterable[Guidance]) -> list[dict]:
    """Group guidance rows by compound (any compound first, then by name), then by phase."""
    by_compound: dict[Compound | None, list[Guidance]] = {}
    for row in rows:
        by_compound.setdefault(row.compound, []).append(row)
    order = sorted(by_compound, key=lambda c: (c is not None, c.name if c else ""))
    groups = []
    for compound in order:
        phases = by_phase(by_compound[compound])
        groups.append(
            {
                "compound": compound,
                "phases": phase_list(TreatmentPhase.values, guidance=phases.__getitem__),
            }
        )
    return groups
