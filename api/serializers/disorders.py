"""Disorders: their cited patterns and risks, and their guidance by compound and phase."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import DisorderSummarySerializer, StatementSerializer, link, statement
from api.serializers.guidance import GuidanceGroupSerializer
from compounds.models import Compound
from disorders.models import Disorder
from guidance.models import Guidance
from modalities.models import by_phase

STATEMENTS = {declared.text: declared for declared in Disorder.STATEMENTS}


class DisorderListSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    url = link("disorder-detail")

    class Meta:
        model = Disorder
        fields = ["slug", "name", "category", "parent", "icd11_code", "url"]


class DisorderDetailSerializer(DisorderListSerializer):
    parent = DisorderSummarySerializer(allow_null=True)
    subtypes = DisorderSummarySerializer(many=True)
    habitual_patterns = serializers.SerializerMethodField()
    plasticity_risk = serializers.SerializerMethodField()
    evidence_summary = serializers.SerializerMethodField()
    guidance = serializers.SerializerMethodField(
        help_text="This disorder's guidance, grouped by compound (null first: any compound) "
        "and then by phase."
    )

    class Meta(DisorderListSerializer.Meta):
        fields = [
            *DisorderListSerializer.Meta.fields,
            "subtypes",
            "habitual_patterns",
            "plasticity_risk",
            "evidence_summary",
            "guidance",
        ]

    @extend_schema_field(StatementSerializer)
    def get_habitual_patterns(self, disorder: Disorder) -> dict:
        return statement(disorder, STATEMENTS["habitual_patterns"], self.context)

    @extend_schema_field(StatementSerializer)
    def get_plasticity_risk(self, disorder: Disorder) -> dict:
        return statement(disorder, STATEMENTS["plasticity_risk"], self.context)

    @extend_schema_field(StatementSerializer)
    def get_evidence_summary(self, disorder: Disorder) -> dict:
        return statement(disorder, STATEMENTS["evidence_summary"], self.context)

    @extend_schema_field(GuidanceGroupSerializer(many=True))
    def get_guidance(self, disorder: Disorder) -> list:
        by_compound: dict[Compound | None, list[Guidance]] = {}
        for row in disorder.guidance.all():
            by_compound.setdefault(row.compound, []).append(row)
        order = sorted(by_compound, key=lambda c: (c is not None, c.name if c else ""))
        groups = [{"compound": c, "phases": by_phase(by_compound[c])} for c in order]
        return GuidanceGroupSerializer(groups, many=True, context=self.context).data
