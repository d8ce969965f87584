"""Clinical-profile factors and the guidance each one selects."""

from api.serializers.common import (
    CitationsField,
    ProfileFactorSummarySerializer,
    ProvenanceField,
    locator_field,
)
from api.serializers.guidance import GuidanceDetailSerializer


class ProfileFactorListSerializer(ProfileFactorSummarySerializer):
    provenance = ProvenanceField()

    class Meta(ProfileFactorSummarySerializer.Meta):
        fields = ["slug", "name", "description", "provenance", "url"]


class ProfileFactorDetailSerializer(ProfileFactorListSerializer):
    references = CitationsField()
    locator = locator_field()
    guidance = GuidanceDetailSerializer(many=True)

    class Meta(ProfileFactorListSerializer.Meta):
        fields = [*ProfileFactorListSerializer.Meta.fields, "references", "locator", "guidance"]
