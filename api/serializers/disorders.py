"""Disorders: their cited patterns and risks, and their guidance by compound and phase."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import (
    SILENT,
    DisorderLinkSerializer,
    NullableModelSerializer,
    StatementSerializer,
    codes_field,
    link,
    statement,
)
from api.serializers.guidance import GuidanceGroupSerializer, guidance_groups
from disorders.models import Disorder

STATEMENTS = {declared.text: declared for declared in Disorder.STATEMENTS}


class DisorderListSerializer(NullableModelSerializer):
    """A disorder the article discusses, within its category and any broader disorder."""

    parent = DisorderLinkSerializer(
        allow_null=True, help_text="The broader disorder whose guidance also applies here."
    )
    icd11_code = serializers.SerializerMethodField(
        help_text="Its ICD-11 MMS code (the first exact one of `codes`); null where none is "
        "checked. Kept for clients that read it before `codes` existed."
    )
    codes = codes_field()
    url = link("disorder-detail")

    class Meta:
        model = Disorder
        fields = ["slug", "name", "category", "parent", "icd11_code", "codes", "url"]

    def get_icd11_code(self, disorder: Disorder) -> str | None:
        exact = [
            c.code for c in disorder.codes.all() if c.system == "icd-11" and c.match == "exact"
        ]
        return exact[0] if exact else None


class DisorderDetailSerializer(DisorderListSerializer):
    subtypes = DisorderLinkSerializer(many=True)
    habitual_patterns = serializers.SerializerMethodField(
        help_text=f"The habitual patterns that characterize it. {SILENT}"
    )
    plasticity_risk = serializers.SerializerMethodField(
        help_text=f"How plasticity can entrench it (maladaptive plasticity). {SILENT}"
    )
    evidence_summary = serializers.SerializerMethodField(
        help_text="What the sources offer on psychoplastogen treatment of it, including when "
        "they offer nothing."
    )
    guidance_by_compound = serializers.SerializerMethodField(
        help_text="This disorder's guidance, grouped by compound (null first: any compound), "
        "then by phase in treatment order."
    )

    class Meta(DisorderListSerializer.Meta):
        fields = [
            *DisorderListSerializer.Meta.fields,
            "subtypes",
            "habitual_patterns",
            "plasticity_risk",
            "evidence_summary",
            "guidance_by_compound",
        ]

    @extend_schema_field(StatementSerializer(allow_null=True))
    def get_habitual_patterns(self, disorder: Disorder) -> dict | None:
        return statement(disorder, STATEMENTS["habitual_patterns"], self.context)

    @extend_schema_field(StatementSerializer(allow_null=True))
    def get_plasticity_risk(self, disorder: Disorder) -> dict | None:
        return statement(disorder, STATEMENTS["plasticity_risk"], self.context)

    @extend_schema_field(StatementSerializer)
    def get_evidence_summary(self, disorder: Disorder) -> dict | None:
        return statement(disorder, STATEMENTS["evidence_summary"], self.context)

    @extend_schema_field(GuidanceGroupSerializer(many=True))
    def get_guidance_by_compound(self, disorder: Disorder) -> list:
        groups = guidance_groups(disorder.guidance.all())
        return GuidanceGroupSerializer(groups, many=True, context=self.context).data
