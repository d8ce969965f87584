"""The meta resource: content version, counts, source and disclaimer."""

from rest_framework import serializers


class SourceSerializer(serializers.Serializer):
    """The article the content comes from; ``url`` is its record on this API, as a citation's."""

    citation = serializers.CharField()
    doi = serializers.CharField()
    doi_url = serializers.URLField(help_text="The DOI, resolved: the article at its publisher.")
    url = serializers.URLField(help_text="The article's reference on this API, by its DOI.")
    licence = serializers.CharField()


class MetaSerializer(serializers.Serializer):
    """What content this service holds, where it comes from, and which version it is."""

    content_version = serializers.CharField(
        help_text="Changes whenever any content changes; compare it to detect updates."
    )
    content_changed_at = serializers.DateTimeField(help_text="When content last changed.")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Number of rows per resource."
    )
    source = SourceSerializer()
    disclaimer = serializers.CharField()
