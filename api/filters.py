"""Query-string filters for every resource; an unknown value is a 400 that lists the valid ones."""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters

from api.exceptions import ValidValuesCode, parameter_error
from api.params import NO_CONTROL_CHARACTERS_PATTERN
from compounds.models import Compound, CompoundClass, CompoundCode, Mechanism, MechanismLevel
from content.codes import (
    COMPOUND_SYSTEMS,
    DISORDER_SYSTEMS,
    CodeError,
    coded_row_get,
    token_pattern,
    valid_system_names,
)
from content.models import Provenance, statements_of, valid_slugs
from disorders.models import Disorder, DisorderCategory, DisorderCode, ProfileFactor
from evidence.models import ARTICLE_DOI, YEAR_RANGE, EvidenceType, Reference, ReferenceOrigin
from guidance.grading import Certainty, Kind
from guidance.models import Guidance, GuidanceStrength, SafetyKind, SafetyStatement, Severity
from guidance.vocabularies import vocabulary_order_by
from medications.models import (
    Interaction,
    InteractionEffect,
    InteractionReliability,
    InteractionRisk,
    MedicationClass,
)
from medications.selectors import medication_slugs, medications_by_slug
from modalities.models import PHASE_FIELDS, Modality, TreatmentPhase


class SlugChoiceField(forms.ModelChoiceField):
    """A choice of row by slug whose error names every valid slug (as prose and as a list)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            slugs = valid_slugs(self.queryset.model)
            raise ValidationError(
                "Unknown slug %(value)r; valid: %(valid)s.",
                code=ValidValuesCode("invalid_choice", slugs),
                params={"value": value, "valid": ", ".join(slugs)},
            ) from None


class MedicationChoiceField(forms.CharField):
    """A medication class named by its slug or a member's (sertraline: the SSRIs); the error
    names every valid slug."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        found = medications_by_slug([value]).get(value)
        if found is None:
            classes, members = medication_slugs()
            raise ValidationError(
                "Unknown medication %(value)r; valid: a medication class (%(classes)s) or a "
                "member of one (%(members)s).",
                code=ValidValuesCode("invalid_choice", classes + members),
                params={
                    "value": value,
                    "classes": ", ".join(classes),
                    "members": ", ".join(members),
                },
            )
        return found


class CodeChoiceField(forms.CharField):
    """A ``system|code`` naming one row by a standard code; the error says whether the system is
    unknown (listing the valid ones) or no row has the code."""

    def __init__(self, *args, code_model, systems, **kwargs):
        self.code_model, self.systems = code_model, systems
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            found = coded_row_get(self.code_model, self.systems, value)
        except CodeError as error:
            raise ValidationError(
                str(error), code=ValidValuesCode("invalid_choice", error.valid or ())
            ) from None
        return getattr(found, self.code_model.ENTITY)


class IdentifierFilter(django_filters.Filter):
    """Filter by a standard code, ``?identifier=system|code`` as FHIR token search writes it."""

    field_class = CodeChoiceField

    def __init__(self, code_model, systems, **kwargs):
        names = ", ".join(valid_system_names(systems))
        kwargs.setdefault(
            "help_text",
            f"A standard code as system|code, the system by short name or FHIR URI ({names}); "
            "e.g. icd-10-cm|F10.20. A code no row carries is a 400 that says so.",
        )
        super().__init__(field_name="pk", code_model=code_model, systems=systems, **kwargs)

    def filter(self, qs, value):
        return qs if value is None else qs.filter(pk=value.pk)


@extend_schema_field({"type": "string", "pattern": token_pattern(COMPOUND_SYSTEMS)})
class CompoundIdentifierFilter(IdentifierFilter):
    def __init__(self, **kwargs):
        super().__init__(CompoundCode, COMPOUND_SYSTEMS, **kwargs)


@extend_schema_field({"type": "string", "pattern": token_pattern(DISORDER_SYSTEMS)})
class DisorderIdentifierFilter(IdentifierFilter):
    def __init__(self, **kwargs):
        super().__init__(DisorderCode, DISORDER_SYSTEMS, **kwargs)


class MedicationFilter(django_filters.Filter):
    """Filter by a medication class, named by its slug or a member's."""

    field_class = MedicationChoiceField


class SlugFilter(django_filters.ModelChoiceFilter):
    """Filter by the slug of a related row, e.g. ``?compound=ketamine``."""

    field_class = SlugChoiceField

    def __init__(self, model: type[Model], *, field_name: str, **kwargs):
        kwargs.setdefault("help_text", f"Slug of a {model._meta.verbose_name}.")
        super().__init__(
            field_name=field_name, queryset=model.objects.all(), to_field_name="slug", **kwargs
        )


class EnumChoiceField(django_filters.fields.ChoiceField):
    """A choice of one of a fixed set of values whose error carries them as a list."""

    def __init__(self, *args, valid: list[str], **kwargs):
        self.valid = valid
        super().__init__(*args, **kwargs)

    def validate(self, value):
        try:
            super().validate(value)
        except ValidationError as exc:
            if exc.code != "invalid_choice":
                raise
            raise ValidationError(
                exc.message, code=ValidValuesCode(exc.code, self.valid), params=exc.params
            ) from None


class EnumFilter(django_filters.ChoiceFilter):
    """Filter by one of a fixed set of values; the error lists them."""

    field_class = EnumChoiceField

    def __init__(self, choices, **kwargs):
        valid = [value for value, _ in choices]
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": f"Unknown value %(value)r; valid: {', '.join(valid)}."},
        )
        super().__init__(choices=choices, valid=valid, **kwargs)


class ProvenanceFilter(EnumFilter):
    """Rows with a statement of this provenance (any of a row's statements)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "Rows with a statement of this provenance: article, cited_source or editorial.",
        )
        super().__init__(Provenance.choices, method=_with_provenance, **kwargs)


def _with_provenance(queryset: QuerySet, name: str, value: str) -> QuerySet:
    condition = Q()
    for declared in statements_of(queryset.model):
        condition |= Q(**{declared.provenance: value})
    return queryset.filter(condition)


class IntegerFilter(django_filters.NumberFilter):
    """A whole-number filter (``?year=2021``; ``2021.5`` is rejected)."""

    field_class = forms.IntegerField


@extend_schema_field({"type": "integer", "minimum": YEAR_RANGE[0], "maximum": YEAR_RANGE[1]})
class YearFilter(IntegerFilter):
    """A publication year within the model's own bounds, so an impossible year is a 400 on
    every database (not a database error on one and an empty page on another)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=YEAR_RANGE[0], max_value=YEAR_RANGE[1], **kwargs)


class DescribedSearchFilter(filters.SearchFilter):
    """DRF's search, documented with the fields it looks in."""

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        fields = ", ".join(f.replace("__", " ") for f in getattr(view, "search_fields", []))
        for parameter in parameters:
            parameter["description"] = (
                f"Case-insensitive text to look for in: {fields}. Several words must all match. "
                "Control characters are refused."
            )
            parameter["schema"] = {"type": "string", "pattern": NO_CONTROL_CHARACTERS_PATTERN}
        return parameters


class StrictOrderingFilter(filters.OrderingFilter):
    """DRF's ordering, except that an unknown field is a 400 naming the valid ones."""

    def get_schema_operation_parameters(self, view):
        """``ordering`` as what it is: one or more keys, comma-separated, each maybe prefixed with
        ``-``. A string with a pattern rather than an array, so that a generated client sends it as
        the one parameter the API accepts (clients repeat array parameters instead)."""
        parameters = super().get_schema_operation_parameters(view)
        fields = list(getattr(view, "ordering_fields", []))
        key = f"-?({'|'.join(re.escape(field) for field in fields)})"
        examples = {fields[0]: {"value": fields[0]}}
        if len(fields) > 1:
            several = f"-{fields[1]},{fields[0]}"
            examples[several] = {"summary": "Several keys", "value": several}
        for parameter in parameters:
            parameter["description"] = (
                "Sort by one or more of these keys, comma-separated; prefix a key with '-' to sort"
                f" descending: {', '.join(fields)} (e.g. {list(examples)[-1]}). An unknown key is "
                "a 400 that names the valid ones."
            )
            parameter["schema"] = {"type": "string", "pattern": f"^{key}(,{key})*$"}
            parameter["examples"] = examples
        return parameters

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param)
        if raw:
            valid = [
                name for name, _ in self.get_valid_fields(queryset, view, {"request": request})
            ]
            keys = [key.strip() for key in raw.split(",")]
            # One '-' at most, as the schema's pattern says: '--name' is not a key.
            unknown = [key for key in keys if key.removeprefix("-") not in valid]
            if unknown:
                raise parameter_error(
                    self.ordering_param,
                    f"Unknown ordering field(s) {', '.join(unknown)}; valid: "
                    f"{', '.join(valid)} (prefix '-' for descending).",
                    valid=[p for name in valid for p in (name, f"-{name}")],
                )
        return super().get_ordering(request, queryset, view)

    def filter_queryset(self, request, queryset, view):
        """Order as asked, a vocabulary field in its vocabulary's order (``?ordering=phase``:
        preparation, medication session, integration), not alphabetically."""
        ordering = self.get_ordering(request, queryset, view)
        if not ordering:
            return queryset
        return queryset.order_by(*vocabulary_order_by(queryset.model, ordering))


class CompoundFilterSet(django_filters.FilterSet):
    compound_class = EnumFilter(CompoundClass.choices, help_text="Pharmacological class.")
    identifier = CompoundIdentifierFilter()

    provenance = ProvenanceFilter()

    class Meta:
        model = Compound
        fields = ["compound_class", "identifier", "provenance"]


class MechanismFilterSet(django_filters.FilterSet):
    level = EnumFilter(MechanismLevel.choices, help_text="Level of brain organization.")
    compound = SlugFilter(
        Compound, field_name="compound_links__compound", help_text="Mechanisms of this compound."
    )

    provenance = ProvenanceFilter()

    class Meta:
        model = Mechanism
        fields = ["level", "compound", "provenance"]


class DisorderFilterSet(django_filters.FilterSet):
    category = EnumFilter(DisorderCategory.choices, help_text="Diagnostic family.")
    identifier = DisorderIdentifierFilter()

    provenance = ProvenanceFilter()

    class Meta:
        model = Disorder
        fields = ["category", "identifier", "provenance"]


class ModalityFilterSet(django_filters.FilterSet):
    phase = EnumFilter(
        TreatmentPhase.choices, method="filter_phase", help_text="Modalities serving this phase."
    )
    disorder = SlugFilter(
        Disorder,
        field_name="guidance__disorder",
        method="filter_disorder",
        help_text="Modalities that published guidance pairs with this disorder.",
    )

    provenance = ProvenanceFilter()

    class Meta:
        model = Modality
        fields = ["phase", "disorder", "provenance"]

    def filter_phase(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{PHASE_FIELDS[TreatmentPhase(value)]: True})

    def filter_disorder(self, queryset: QuerySet, name: str, value: Disorder) -> QuerySet:
        published = Guidance.objects.published().filter(disorder=value)
        return queryset.filter(pk__in=published.values("modality_id"))


class GuidanceFilterSet(django_filters.FilterSet):
    disorder = SlugFilter(Disorder, field_name="disorder")
    compound = SlugFilter(Compound, field_name="compound")
    modality = SlugFilter(Modality, field_name="modality")
    profile_factor = SlugFilter(ProfileFactor, field_name="profile_factor")
    phase = EnumFilter(TreatmentPhase.choices, help_text="Treatment phase.")
    strength = EnumFilter(GuidanceStrength.choices, help_text="How the pairing is supported.")
    kind = EnumFilter(Kind.choices, help_text="Recommendation, good practice statement, ...")
    certainty = EnumFilter(Certainty.choices, help_text="GRADE certainty of the evidence.")
    provenance = ProvenanceFilter()

    class Meta:
        model = Guidance
        fields = [
            "disorder",
            "compound",
            "modality",
            "profile_factor",
            "phase",
            "strength",
            "kind",
            "certainty",
            "provenance",
        ]


class ReferenceFilterSet(django_filters.FilterSet):
    evidence_type = EnumFilter(EvidenceType.choices, help_text="Kind of source.")
    year = YearFilter(help_text="Publication year, from 1800 to 2100.")
    origin = EnumFilter(
        ReferenceOrigin.choices,
        method="filter_origin",
        help_text="The article's numbered references, the article itself, or sources outside it.",
    )

    class Meta:
        model = Reference
        fields = ["evidence_type", "year", "origin"]

    def filter_origin(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        numbered, article = Q(seed_number__isnull=False), Q(doi=ARTICLE_DOI)
        return queryset.filter(
            {
                ReferenceOrigin.ARTICLE_REFERENCE: numbered,
                ReferenceOrigin.ARTICLE: ~numbered & article,
                ReferenceOrigin.OUTSIDE_ARTICLE: ~numbered & ~article,
            }[ReferenceOrigin(value)]
        )


class ProfileFactorFilterSet(django_filters.FilterSet):
    provenance = ProvenanceFilter()

    class Meta:
        model = ProfileFactor
        fields = ["provenance"]


class SafetyStatementFilterSet(django_filters.FilterSet):
    kind = EnumFilter(SafetyKind.choices, help_text="Contraindication, precaution, ...")
    severity = EnumFilter(Severity.choices, help_text="How strongly to flag it.")
    compound_class = EnumFilter(CompoundClass.choices, help_text="Class of compound it covers.")
    disorder = SlugFilter(Disorder, field_name="disorder")
    compound = SlugFilter(
        Compound,
        field_name="compound",
        method="filter_compound",
        help_text="Statements scoped to this compound or to its class (e.g. psilocybin: also "
        "those for every classic psychedelic).",
    )
    provenance = ProvenanceFilter()

    class Meta:
        model = SafetyStatement
        fields = ["kind", "severity", "disorder", "compound", "compound_class", "provenance"]

    def filter_compound(self, queryset: QuerySet, name: str, value: Compound) -> QuerySet:
        return queryset.filter(
            Q(compound=value) | Q(compound__isnull=True, compound_class=value.compound_class)
        )


class MedicationClassFilterSet(django_filters.FilterSet):
    class Meta:
        model = MedicationClass
        fields: list[str] = []


class InteractionFilterSet(django_filters.FilterSet):
    compound = SlugFilter(
        Compound,
        field_name="compound",
        method="filter_compound",
        help_text="Interactions of this compound, named or through its class (psilocybin: also "
        "those recorded for every classic psychedelic).",
    )
    medication = MedicationFilter(
        field_name="medication_class",
        help_text="Slug of a medication class (ssri) or of a member of one (sertraline, for its "
        "class); see /api/v1/medications/.",
    )
    compound_class = EnumFilter(CompoundClass.choices, help_text="Class of compounds it covers.")
    effect = EnumFilter(InteractionEffect.choices, help_text="What the source says happens.")
    risk = EnumFilter(InteractionRisk.choices, help_text="Risk level (interaction_risk).")
    reliability = EnumFilter(
        InteractionReliability.choices, help_text="How well the judgement is supported."
    )
    provenance = ProvenanceFilter()

    class Meta:
        model = Interaction
        fields = [
            "compound",
            "medication",
            "compound_class",
            "effect",
            "risk",
            "reliability",
            "provenance",
        ]

    def filter_compound(self, queryset: QuerySet, name: str, value: Compound) -> QuerySet:
        return queryset.filter(
            Q(compound=value) | Q(compound__isnull=True, compound_class=value.compound_class)
        )
