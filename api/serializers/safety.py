"""Safety statements: scoped, cited warnings."""

from api.serializers.common import (
    CitationsField,
    CompoundLinkSerializer,
    DisorderLinkSerializer,
    NullableModelSerializer,
    ProfileFactorLinkSerializer,
    ProvenanceField,
    link,
    locator_field,
)
from guidance.models import SafetyStatement


class SafetyStatementListSerializer(NullableModelSerializer):
    """A cited safety statement, scoped to a disorder, compound (or class) or profile factor,
    or to every plan."""

    disorder = DisorderLinkSerializer(allow_null=True)
    compound = CompoundLinkSerializer(allow_null=True)
    profile_factor = ProfileFactorLinkSerializer(allow_null=True)
    provenance = ProvenanceField()
    url = link("safetystatement-detail")

    class Meta:
        model = SafetyStatement
        fields = [
            "slug",
            "title",
            "kind",
            "severity",
            "trigger",
            "disorder",
            "compound",
            "compound_class",
            "profile_factor",
            "provenance",
            "url",
        ]
        extra_kwargs = {
            "compound_class": {
                "help_text": "The class of compound it applies to (e.g. the classic "
                "psychedelics); null: any."
            }
        }


class SafetyStatementDetailSerializer(SafetyStatementListSerializer):
    references = CitationsField()
    locator = locator_field()

    class Meta(SafetyStatementListSerializer.Meta):
        fields = [*SafetyStatementListSerializer.Meta.fields, "message", "references", "locator"]
