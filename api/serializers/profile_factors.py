"""Clinical-profile factors and the guidance each one selects."""

from api.serializers.common import (
    CitationsField,
    NullableModelSerializer,
    ProvenanceField,
    link,
    locator_field,
)
from api.serializers.guidance import GuidanceDetailSerializer
from disorders.models import ProfileFactor


class ProfileFactorListSerializer(NullableModelSerializer):
    """A clinical-profile factor that changes which techniques fit."""

    provenance = ProvenanceField()
    url = link("profilefactor-detail")

    class Meta:
        model = ProfileFactor
        fields = ["slug", "name", "description", "provenance", "url"]


class ProfileFactorDetailSerializer(ProfileFactorListSerializer):
    references = CitationsField()
    locator = locator_field()
    guidance = GuidanceDetailSerializer(many=True)

    class Meta(ProfileFactorListSerializer.Meta):
        fields = [*ProfileFactorListSerializer.Meta.fields, "references", "locator", "guidance"]
