"""Vocabularies: what each fixed value the API sends means, and its order."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import reverse
from guidance.vocabularies import Vocabulary


class VocabularyTermSerializer(serializers.Serializer):
    value = serializers.CharField(
        help_text="The value as responses carry it and filters accept it, e.g. medication_session."
    )
    label = serializers.CharField(help_text="Its name for people, e.g. 'Medication session'.")
    description = serializers.CharField(help_text="What it means.")
    order = serializers.IntegerField(
        min_value=1,
        help_text="Its rank in the vocabulary, from 1. Ordering a list by a field of this "
        "vocabulary follows it: ascending lists order 1 first.",
    )


class VocabularySerializer(serializers.Serializer):
    name = serializers.CharField(
        help_text="The vocabulary's name: the field that carries it (phase, strength), or, where "
        "several vocabularies share a field name, one that tells them apart (safety_kind)."
    )
    label = serializers.CharField(help_text="Its name for people.")
    description = serializers.CharField(help_text="What it describes and which fields carry it.")
    ordered = serializers.BooleanField(
        help_text="Whether its order carries meaning (treatment order, strongest first); when "
        "false, the order is only a fixed one."
    )
    order_rule = serializers.CharField(help_text="What its order means.")
    values = VocabularyTermSerializer(
        source="terms", many=True, help_text="Its values, in its order."
    )
    url = serializers.SerializerMethodField(help_text="This vocabulary alone.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, vocabulary: Vocabulary) -> str:
        return reverse(
            "vocabulary-detail",
            kwargs={"name": vocabulary.name},
            request=self.context.get("request"),
        )


class VocabularyListSerializer(serializers.Serializer):
    """Every vocabulary at once: there are few, so the list is not paged."""

    count = serializers.IntegerField(help_text="How many vocabularies there are.")
    results = VocabularySerializer(many=True)
