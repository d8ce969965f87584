"""What every resource's serializers share: citations, cited statements and related-row links.

Every statement is shown with its references (seed number, short citation, DOI, evidence type),
so a caller never needs a second request to know what a claim rests on.
"""

from django.db.models import Manager
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from compounds.models import Compound, Mechanism
from content.models import Provenance, Statement
from content.text import lines
from disorders.models import Disorder, ProfileFactor
from evidence.models import Reference
from modalities.models import Modality

# The one definition of a citation: what a statement shows of each reference it cites.
CITATION_FIELDS = ("id", "seed_number", "short_citation", "doi", "evidence_type", "url")


def link(view_name: str) -> serializers.HyperlinkedIdentityField:
    """The URL of a row's detail, looked up by slug."""
    return serializers.HyperlinkedIdentityField(view_name=view_name, lookup_field="slug")


class CitationSerializer(serializers.ModelSerializer):
    """A reference as it is cited by a statement (documents ``CitationsField``)."""

    short_citation = serializers.CharField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="reference-detail", lookup_url_kwarg="key")

    class Meta:
        model = Reference
        fields = list(CITATION_FIELDS)


@extend_schema_field(CitationSerializer(many=True))
class CitationsField(serializers.Field):
    """The references behind a statement, as CitationSerializer shows them, but cheaply.

    Statements cite the same references over and over; each is turned into a dict once per
    request, with its link built from one reversed prefix instead of a reverse() per reference.
    """

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, references) -> list[dict]:
        if isinstance(references, Manager):
            references = references.all()
        cache = self.context.setdefault("_citations", {})
        if "_prefix" not in cache:
            cache["_prefix"] = reverse("reference-list", request=self.context.get("request"))
        prefix = cache["_prefix"]
        shown = []
        for ref in references:
            entry = cache.get(ref.pk)
            if entry is None:
                entry = cache[ref.pk] = {
                    name: f"{prefix}{ref.pk}/" if name == "url" else getattr(ref, name)
                    for name in CITATION_FIELDS
                }
            shown.append(entry)
        return shown


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class LinesField(serializers.Field):
    """A one-item-per-line text field, shown as a list of its lines."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: str) -> list[str]:
        return lines(value or "")


class ProvenanceField(serializers.ChoiceField):
    """Who states a statement; null where there is no statement (its text is empty)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "Who states it: `article` (the article; the locator quotes its sentences), "
            "`cited_source` (a cited reference, not the article; the locator names it and the "
            "part that supports the claim) or `editorial` (an editor's inference; the locator "
            "gives the reasoning).",
        )
        super().__init__(choices=Provenance.choices, allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value):
        return value or None


def locator_field(**kwargs) -> LinesField:
    """Where a statement is stated, one item per line (see ProvenanceField)."""
    kwargs.setdefault(
        "help_text",
        "Where it is stated: for `article`, the article's sentences verbatim; for "
        "`cited_source`, '[N] the part of reference N that supports it'; for `editorial`, the "
        "reasoning.",
    )
    return LinesField(**kwargs)


class StatementSerializer(serializers.Serializer):
    """A cited statement; ``text`` is null where the sources are silent."""

    text = serializers.CharField(allow_null=True)
    references = CitationsField()
    provenance = ProvenanceField()
    locator = locator_field()


def statement(obj, declared: Statement, context: dict) -> dict:
    """Serialize one statement of ``obj`` with its references, provenance and locator."""
    return StatementSerializer(
        {
            "text": getattr(obj, declared.text) or None,
            "references": getattr(obj, declared.references).all(),
            "provenance": getattr(obj, declared.provenance),
            "locator": getattr(obj, declared.locator),
        },
        context=context,
    ).data


class CompoundSummarySerializer(serializers.ModelSerializer):
    url = link("compound-detail")

    class Meta:
        model = Compound
        fields = ["slug", "name", "url"]


class MechanismSummarySerializer(serializers.ModelSerializer):
    url = link("mechanism-detail")

    class Meta:
        model = Mechanism
        fields = ["slug", "name", "level", "url"]


class DisorderSummarySerializer(serializers.ModelSerializer):
    url = link("disorder-detail")

    class Meta:
        model = Disorder
        fields = ["slug", "name", "url"]


class ModalitySummarySerializer(serializers.ModelSerializer):
    url = link("modality-detail")

    class Meta:
        model = Modality
        fields = ["slug", "name", "url"]


class ProfileFactorSummarySerializer(serializers.ModelSerializer):
    url = link("profilefactor-detail")

    class Meta:
        model = ProfileFactor
        fields = ["slug", "name", "url"]
