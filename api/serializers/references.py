"""References: a citation plus what a list of sources shows, and the full record in detail."""

from rest_framework import serializers

from api.serializers.common import CITATION_FIELDS, CitationSerializer


class ReferenceListSerializer(CitationSerializer):
    """A reference in a list: its citation, with title and year."""

    class Meta(CitationSerializer.Meta):
        fields = [*CITATION_FIELDS, "title", "year"]


class ReferenceDetailSerializer(ReferenceListSerializer):
    """One reference with its full citation and where to read it."""

    doi_url = serializers.CharField(read_only=True, allow_null=True)
    source_url = serializers.CharField(source="url", help_text="Where the source can be read.")

    class Meta(ReferenceListSerializer.Meta):
        fields = [
            *ReferenceListSerializer.Meta.fields,
            "authors",
            "venue",
            "citation",
            "doi_url",
            "source_url",
        ]
