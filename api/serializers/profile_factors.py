"""Clinical-profile factors and the guidance each one selects."""

from api.serializers.common import CitationsField, ProfileFactorSummarySerializer
from api.serializers.guidance import GuidanceDetailSerializer


class ProfileFactorListSerializer(ProfileFactorSummarySerializer):
    class Meta(ProfileFactorSummarySerializer.Meta):
        fields = ["slug", "name", "description", "url"]


class ProfileFactorDetailSerializer(ProfileFactorListSerializer):
    references = CitationsField()
    guidance = GuidanceDetailSerializer(many=True)

    class Meta(ProfileFactorListSerializer.Meta):
        fields = [*ProfileFactorListSerializer.Meta.fields, "references", "guidance"]
