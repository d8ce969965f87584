"""Compounds and mechanisms: a compound's mechanisms grouped by level, a mechanism's compounds."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import (
    SILENT,
    CitationsField,
    CompoundLinkSerializer,
    MechanismLinkSerializer,
    NullableModelSerializer,
    OptionalCharField,
    ProvenanceField,
    StatementSerializer,
    codes_field,
    link,
    locator_field,
    statement,
)
from compounds.models import Compound, CompoundMechanism, Mechanism, MechanismLevel

PLASTICITY_STATEMENT = next(s for s in Compound.STATEMENTS if s.prefix == "plasticity")


class OnsetSerializer(serializers.Serializer):
    """Hours after a single dose within which the sources state plasticity effects appear."""

    min = serializers.IntegerField(source="plasticity_onset_min_hours")
    max = serializers.IntegerField(source="plasticity_onset_max_hours")


class PlasticitySerializer(serializers.Serializer):
    """What the sources say about plasticity after one dose of a compound.

    Two different things, kept apart: the onset (a time to effect: effects appear within these
    hours of one dose) and the window's duration (how long it stays open). The article gives an
    onset of 24 to 72 hours for the class and no duration, so ``window_duration_hours`` is null
    with a note saying so; never read the onset's maximum as the window's end.
    """

    onset_hours = serializers.SerializerMethodField(
        help_text="When plasticity effects appear after a single dose (a time to effect, not a "
        "window's end); null where the sources state none for this compound."
    )
    window_duration_hours = serializers.IntegerField(
        source="plasticity_window_duration_hours",
        allow_null=True,
        help_text="How long the window stays open, in hours, where a source states it; null "
        "otherwise (see window_duration_note).",
    )
    window_duration_note = OptionalCharField(source="plasticity_window_duration_note")
    statement = serializers.SerializerMethodField(
        help_text="What the sources say about plasticity after one dose, with its references. "
        + SILENT
    )

    @extend_schema_field(OnsetSerializer(allow_null=True))
    def get_onset_hours(self, compound: Compound) -> dict | None:
        if not compound.has_plasticity_onset:
            return None
        return OnsetSerializer(compound).data

    @extend_schema_field(StatementSerializer(allow_null=True))
    def get_statement(self, compound: Compound) -> dict | None:
        return statement(compound, PLASTICITY_STATEMENT, self.context)


class CompoundMechanismSerializer(NullableModelSerializer):
    """A mechanism as one compound engages it, with its own evidence."""

    mechanism = MechanismLinkSerializer()
    references = CitationsField()
    provenance = ProvenanceField()
    locator = locator_field()

    class Meta:
        model = CompoundMechanism
        fields = ["mechanism", "evidence_basis", "summary", "references", "provenance", "locator"]


class MechanismCompoundSerializer(NullableModelSerializer):
    """A compound that engages a mechanism, with the evidence for the link."""

    compound = CompoundLinkSerializer()
    references = CitationsField()
    provenance = ProvenanceField()
    locator = locator_field()

    class Meta:
        model = CompoundMechanism
        fields = ["compound", "evidence_basis", "summary", "references", "provenance", "locator"]


class MechanismsByLevelSerializer(serializers.Serializer):
    molecular = CompoundMechanismSerializer(many=True)
    cellular = CompoundMechanismSerializer(many=True)
    network = CompoundMechanismSerializer(many=True)
    behavioral = CompoundMechanismSerializer(many=True)


class CompoundListSerializer(NullableModelSerializer):
    """A psychoplastogen: its class, other names and what the sources say of it."""

    synonyms = serializers.ListField(child=serializers.CharField(), source="synonym_list")
    provenance = ProvenanceField()
    codes = codes_field()
    url = link("compound-detail")

    class Meta:
        model = Compound
        fields = [
            "slug",
            "name",
            "compound_class",
            "synonyms",
            "summary",
            "provenance",
            "codes",
            "url",
        ]


class CompoundDetailSerializer(CompoundListSerializer):
    primary_targets = serializers.ListField(
        child=serializers.CharField(), source="primary_target_list"
    )
    references = CitationsField()
    locator = locator_field()
    plasticity = PlasticitySerializer(source="*")
    mechanisms = serializers.SerializerMethodField(
        help_text="The compound's mechanisms, grouped by level of brain organization."
    )

    class Meta(CompoundListSerializer.Meta):
        fields = [
            *CompoundListSerializer.Meta.fields,
            "primary_targets",
            "references",
            "locator",
            "plasticity",
            "mechanisms",
        ]

    @extend_schema_field(MechanismsByLevelSerializer)
    def get_mechanisms(self, compound: Compound) -> dict:
        by_level: dict[str, list] = {level: [] for level in MechanismLevel.values}
        for engaged in compound.mechanism_links.all():
            by_level[engaged.mechanism.level].append(engaged)
        return MechanismsByLevelSerializer(by_level, context=self.context).data


class MechanismListSerializer(NullableModelSerializer):
    """A mechanism of neuroplasticity at one level of brain organization."""

    provenance = ProvenanceField()
    url = link("mechanism-detail")

    class Meta:
        model = Mechanism
        fields = ["slug", "name", "level", "provenance", "url"]


class MechanismDetailSerializer(MechanismListSerializer):
    references = CitationsField()
    locator = locator_field()
    compounds = MechanismCompoundSerializer(many=True, source="compound_links")

    class Meta(MechanismListSerializer.Meta):
        fields = [
            *MechanismListSerializer.Meta.fields,
            "description",
            "references",
            "locator",
            "compounds",
        ]
