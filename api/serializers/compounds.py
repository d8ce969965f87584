"""Compounds and mechanisms: a compound's mechanisms grouped by level, a mechanism's compounds."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import (
    CitationsField,
    CompoundSummarySerializer,
    MechanismSummarySerializer,
    link,
)
from compounds.models import Compound, CompoundMechanism, Mechanism, MechanismLevel


class PlasticityWindowSerializer(serializers.Serializer):
    """The window of plasticity after one dose; hours are null where no window is stated."""

    min_hours = serializers.IntegerField(allow_null=True)
    max_hours = serializers.IntegerField(allow_null=True)
    statement = serializers.CharField()
    references = CitationsField()


class CompoundMechanismSerializer(serializers.ModelSerializer):
    """A mechanism as one compound engages it, with its own evidence."""

    mechanism = MechanismSummarySerializer()
    references = CitationsField()

    class Meta:
        model = CompoundMechanism
        fields = ["mechanism", "evidence_basis", "summary", "references"]


class MechanismCompoundSerializer(serializers.ModelSerializer):
    """A compound that engages a mechanism, with the evidence for the link."""

    compound = CompoundSummarySerializer()
    references = CitationsField()

    class Meta:
        model = CompoundMechanism
        fields = ["compound", "evidence_basis", "summary", "references"]


class MechanismsByLevelSerializer(serializers.Serializer):
    molecular = CompoundMechanismSerializer(many=True)
    cellular = CompoundMechanismSerializer(many=True)
    network = CompoundMechanismSerializer(many=True)
    behavioral = CompoundMechanismSerializer(many=True)


class CompoundListSerializer(serializers.ModelSerializer):
    synonyms = serializers.ListField(child=serializers.CharField(), source="synonym_list")
    url = link("compound-detail")

    class Meta:
        model = Compound
        fields = ["slug", "name", "compound_class", "synonyms", "summary", "url"]


class CompoundDetailSerializer(CompoundListSerializer):
    primary_targets = serializers.ListField(
        child=serializers.CharField(), source="primary_target_list"
    )
    references = CitationsField()
    plasticity_window = serializers.SerializerMethodField()
    mechanisms = serializers.SerializerMethodField(
        help_text="The compound's mechanisms, grouped by level of brain organization."
    )

    class Meta(CompoundListSerializer.Meta):
        fields = [
            *CompoundListSerializer.Meta.fields,
            "primary_targets",
            "references",
            "plasticity_window",
            "mechanisms",
        ]

    @extend_schema_field(PlasticityWindowSerializer)
    def get_plasticity_window(self, compound: Compound) -> dict:
        return PlasticityWindowSerializer(
            {
                "min_hours": compound.plasticity_window_min_hours,
                "max_hours": compound.plasticity_window_max_hours,
                "statement": compound.plasticity_window_statement,
                "references": compound.plasticity_window_references.all(),
            },
            context=self.context,
        ).data

    @extend_schema_field(MechanismsByLevelSerializer)
    def get_mechanisms(self, compound: Compound) -> dict:
        by_level: dict[str, list] = {level: [] for level in MechanismLevel.values}
        for engaged in compound.mechanism_links.all():
            by_level[engaged.mechanism.level].append(engaged)
        return MechanismsByLevelSerializer(by_level, context=self.context).data


class MechanismListSerializer(serializers.ModelSerializer):
    url = link("mechanism-detail")

    class Meta:
        model = Mechanism
        fields = ["slug", "name", "level", "url"]


class MechanismDetailSerializer(MechanismListSerializer):
    references = CitationsField()
    compounds = MechanismCompoundSerializer(many=True, source="compound_links")

    class Meta(MechanismListSerializer.Meta):
        fields = [*MechanismListSerializer.Meta.fields, "description", "references", "compounds"]
