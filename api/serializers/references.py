"""References: a citation in lists, and the full record in detail.

A reference is addressed by its seed number (``/references/90/`` is the article's reference (90))
or, when it has none (the article itself, sources outside its list), by its DOI.
"""

from api.serializers.common import CITATION_FIELDS, CitationSerializer, OptionalURLField


class ReferenceListSerializer(CitationSerializer):
    """A reference in a list: its citation, as statements cite it."""

    class Meta(CitationSerializer.Meta):
        fields = list(CITATION_FIELDS)


class ReferenceDetailSerializer(ReferenceListSerializer):
    """One reference with its full citation and where to read it."""

    source_url = OptionalURLField(
        source="url",
        help_text="Where the source can be read, as the sources link it (a source without a "
        "DOI usually has one); null where they give none.",
    )

    class Meta(ReferenceListSerializer.Meta):
        fields = [
            *ReferenceListSerializer.Meta.fields,
            "authors",
            "venue",
            "citation",
            "source_url",
        ]
