"""What every resource's serializers share: the shapes each concept has wherever it is shown.

One shape per concept, on every endpoint:

- a row of another resource is linked as ``{slug, name, url}`` (``LinkSerializer``), never by a bare
  slug nor without its URL;
- a citation is ``CITATION_FIELDS``, wherever a statement cites a reference, and a reference is
  addressed by its seed number (``/references/90/`` is the article's reference (90)), else by DOI;
- a cited statement other than a resource's own is ``{text, references, provenance, locator}``,
  or null as a whole where the sources are silent;
- treatment phases are a list, in treatment order, of ``{phase, label, ...}`` (``phase_list``);
- an absent value is null, never "" (``NullableModelSerializer`` and the ``Optional`` fields).
"""

from collections.abc import Iterable
from urllib.parse import quote

from django.db import models
from django.db.models import Manager
from django.urls import reverse as path_to
from django.utils.http import RFC3986_SUBDELIMS
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from content.codes import CodeMatch
from content.models import Provenance, Statement
from content.text import lines
from evidence.models import Reference, ReferenceOrigin
from modalities.models import TreatmentPhase

# The one definition of a citation: what a statement shows of each reference it cites. ``url`` is
# the reference on this API, ``doi_url`` the publisher's copy; there is no database id.
CITATION_FIELDS = (
    "seed_number",
    "short_citation",
    "title",
    "year",
    "doi",
    "doi_url",
    "url",
    "evidence_type",
    "origin",
)
# The characters Django's reverse() leaves unquoted in a URL; the fast citation links match it.
_URL_SAFE = RFC3986_SUBDELIMS + "/~:@"


# --- Links --------------------------------------------------------------------------------------


def reverse(viewname: str, *, kwargs=None, request=None, format=None) -> str:
    """A view's URL, absolute for the request's host, as DRF's ``reverse`` makes it, except that
    it never carries the request's ``?format=``: DRF copies it onto every link, which left links
    as ``/compounds/?format=jsonmdma/`` where a prefix was joined to a slug, and a link names a
    resource, not a representation of it."""
    url = path_to(viewname, kwargs=kwargs)
    return request.build_absolute_uri(url) if request is not None else url


class LinkField(serializers.HyperlinkedIdentityField):
    """A row's own URL (``reverse`` above: never with the request's ``?format=``)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.reverse = reverse  # DRF sets its own in __init__


class RelatedLinkField(serializers.HyperlinkedRelatedField):
    """Another row's URL (``reverse`` above: never with the request's ``?format=``)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.reverse = reverse  # DRF sets its own in __init__


# --- Absent values are null ----------------------------------------------------------------------


class _NullWhenEmpty:
    """Show an empty value ("") as null, so a client tests one value for 'there is none'."""

    def __init__(self, **kwargs):
        kwargs["allow_null"] = True
        kwargs.pop("allow_blank", None)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value in ("", None):
            return None
        return super().to_representation(value)


class OptionalCharField(_NullWhenEmpty, serializers.CharField):
    """Text that may be absent: null, never ""."""


class OptionalURLField(_NullWhenEmpty, serializers.URLField):
    """A URL that may be absent: null, never ""."""


class OptionalChoiceField(_NullWhenEmpty, serializers.ChoiceField):
    """A value of a vocabulary that may be absent: null, never ""."""


class NullableModelSerializer(serializers.ModelSerializer):
    # A ModelSerializer whose optional text fields (``blank=True`` in the model, where the
    # database stores "" for 'none') are shown as null, and documented as nullable. (A comment,
    # not a docstring: the OpenAPI document would give it as every subclass's description.)

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if model_field.blank and isinstance(model_field, models.CharField | models.TextField):
            if "choices" in kwargs:
                field_class = OptionalChoiceField
            elif issubclass(field_class, serializers.URLField):
                field_class = OptionalURLField
            else:
                field_class = OptionalCharField
        return field_class, kwargs


# --- Links to other resources --------------------------------------------------------------------


class LinkSerializer(serializers.Serializer):
    """Another resource's row as every response links to it: slug, readable name and URL.

    Subclasses name the resource's detail view (and so the component in the OpenAPI document).
    """

    view_name: str

    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, row) -> str:
        # A plan or the matrix links the same few rows over and over: reverse each once.
        cache = self.context.setdefault("_links", {})
        key = (self.view_name, row.slug)
        if key not in cache:
            cache[key] = reverse(
                self.view_name, kwargs={"slug": row.slug}, request=self.context.get("request")
            )
        return cache[key]


class CompoundLinkSerializer(LinkSerializer):
    """A compound."""

    view_name = "compound-detail"


class MechanismLinkSerializer(LinkSerializer):
    """A mechanism of neuroplasticity."""

    view_name = "mechanism-detail"


class DisorderLinkSerializer(LinkSerializer):
    """A disorder."""

    view_name = "disorder-detail"


class ModalityLinkSerializer(LinkSerializer):
    """A psychotherapy modality."""

    view_name = "modality-detail"


class ProfileFactorLinkSerializer(LinkSerializer):
    """A clinical-profile factor."""

    view_name = "profilefactor-detail"


class MedicationClassLinkSerializer(LinkSerializer):
    """A medication class a patient may take."""

    view_name = "medicationclass-detail"


class InteractionLinkSerializer(LinkSerializer):
    """A recorded interaction of a compound (or class) with a medication class."""

    view_name = "interaction-detail"


class GuidanceLinkSerializer(LinkSerializer):
    """A guidance row; its name is made from its modality, phase and scope."""

    view_name = "guidance-detail"


def link(view_name: str) -> LinkField:
    """The URL of a row's own detail, looked up by slug."""
    return LinkField(view_name=view_name, lookup_field="slug")


# --- Standard codes ------------------------------------------------------------------------------


class CodeSerializer(serializers.Serializer):
    """A code that names the row in a standard code system, and where it was found."""

    system = serializers.CharField(
        help_text="The code system's short name (snomed-ct, icd-10-cm, icd-11, rxnorm, atc, "
        "unii, pubchem-cid, inchikey, chebi, drugbank, cas)."
    )
    system_uri = OptionalURLField(
        read_only=True,
        help_text="The system's FHIR URI (e.g. http://snomed.info/sct); null for a system HL7 "
        "names no URI for (PubChem CID, InChIKey, ChEBI, DrugBank, CAS).",
    )
    code = serializers.CharField()
    display = OptionalCharField(help_text="The code's name in its system, where known.")
    match = serializers.ChoiceField(
        choices=CodeMatch.choices,
        help_text="exact: the code names this row; narrower: it names a narrower concept this "
        "row covers (anorexia nervosa, for eating disorders).",
    )
    source = serializers.CharField(help_text="Where the code was found.")


def codes_field() -> CodeSerializer:
    return CodeSerializer(
        many=True,
        read_only=True,
        help_text="Its codes in standard systems, each with where it was found; a system with "
        "no code here has none checked yet (an empty code is honest, a wrong one mis-maps a "
        "patient). Search by one with `?identifier=system|code`.",
    )


# --- Citations -----------------------------------------------------------------------------------


class ReferenceURLField(LinkField):
    """A reference's URL on this API: by its seed number where it has one, else by its DOI."""

    def __init__(self, **kwargs):
        super().__init__(view_name="reference-detail", lookup_url_kwarg="key", **kwargs)

    def get_url(self, obj: Reference, view_name, request, format):
        return reverse(view_name, kwargs={"key": obj.lookup_key}, request=request, format=format)


def reference_url(prefix: str, reference: Reference) -> str:
    """A reference's URL under the references list's URL, as ReferenceURLField builds it."""
    return f"{prefix}{quote(reference.lookup_key, safe=_URL_SAFE)}/"


class CitationSerializer(NullableModelSerializer):
    """A reference as a statement cites it (documents ``CitationsField``)."""

    short_citation = serializers.CharField(read_only=True, help_text="'Surname (year)'.")
    seed_number = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Its number in the article's reference list, as the article cites it: 90 is "
        "'(90)'; null for the article itself and sources outside its list.",
    )
    doi_url = serializers.URLField(read_only=True, allow_null=True, help_text="The DOI, resolved.")
    url = ReferenceURLField(
        help_text="This reference on this API: by seed number, else (no seed number) by DOI."
    )
    origin = serializers.ChoiceField(
        choices=ReferenceOrigin.choices,
        read_only=True,
        help_text="article_reference: in the article's numbered list; article: the article "
        "itself; outside_article: a source outside the article that editors added (for what "
        "the article does not cover, such as co-medication).",
    )

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
                    name: reference_url(prefix, ref) if name == "url" else getattr(ref, name)
                    for name in CITATION_FIELDS
                }
            shown.append(entry)
        return shown


# --- Cited statements ----------------------------------------------------------------------------


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class LinesField(serializers.Field):
    """A one-item-per-line text field, shown as a list of its lines."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: str) -> list[str]:
        return lines(value or "")


class ProvenanceField(OptionalChoiceField):
    """Who states a statement; null where there is no statement (its text is empty)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "Who states it: `article` (the article; the locator quotes its sentences), "
            "`cited_source` (a cited reference, not the article; the locator names it and the "
            "part that supports the claim) or `editorial` (an editor's inference; the locator "
            "gives the reasoning).",
        )
        super().__init__(choices=Provenance.choices, read_only=True, **kwargs)


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
    """A cited statement: its text, the references it rests on, who states it and where.

    Shown as null as a whole where the sources are silent (the field is empty). Silence carries
    no provenance of its own: the loader and admin check who states a statement only when there is
    text, and a silence the sources themselves note is written as text and cited like any other.
    """

    text = serializers.CharField()
    references = CitationsField()
    provenance = ProvenanceField()
    locator = locator_field()


SILENT = "Null where the sources say nothing on it."


def statement(obj, declared: Statement, context: dict) -> dict | None:
    """Serialize one statement of ``obj``; None where its text is empty (the sources are silent).

    A provenance or locator left on an empty statement is dropped with it: it is checked only
    alongside text, so it cannot be shown as a claim about the sources.
    """
    text = getattr(obj, declared.text)
    if not text:
        return None
    return StatementSerializer(
        {
            "text": text,
            "references": getattr(obj, declared.references).all(),
            "provenance": getattr(obj, declared.provenance),
            "locator": getattr(obj, declared.locator),
        },
        context=context,
    ).data


# --- Treatment phases ----------------------------------------------------------------------------


class PhaseSerializer(serializers.Serializer):
    """A treatment phase: its value and its label. Every list of phases holds these, in treatment
    order, with what each phase holds in that place (its guidance, its top item...)."""

    phase = serializers.ChoiceField(choices=TreatmentPhase.choices)
    label = serializers.CharField(help_text="The phase's name, e.g. 'Medication session'.")


def phase_list(phases: Iterable[str], **holds) -> list[dict]:
    """Return phases in treatment order as ``{phase, label, **what each holds}``.

    ``holds`` maps a key to a function of the phase (e.g. ``guidance=lambda phase: rows[phase]``).
    """
    wanted = set(phases)
    return [
        {
            "phase": phase.value,
            "label": phase.label,
            **{key: of(phase) for key, of in holds.items()},
        }
        for phase in TreatmentPhase
        if phase.value in wanted
    ]
