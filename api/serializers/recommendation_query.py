"""The recommendation query: slugs resolved to rows, with errors that list the valid slugs
(in the message, and as the problem's ``valid`` list)."""

from rest_framework import serializers
from rest_framework.fields import SkipField

from api.exceptions import invalid
from api.readmodel import held_instance
from compounds.models import Compound, CompoundCode
from content.codes import (
    COMPOUND_SYSTEMS,
    DISORDER_SYSTEMS,
    CodedIdentifier,
    CodeError,
    CodeSystem,
    coded_row_get,
)
from content.models import valid_slugs
from disorders.models import Disorder, DisorderCode, ProfileFactor
from medications.models import MedicationClass
from medications.selectors import medication_slugs, medications_by_slug

MAX_SLUG_LENGTH = 80
MAX_PROFILE_FACTORS = 10
MAX_CODE_LENGTH = 200
# disorder + compound + 10 profile factors + 8 medications, each repeated, is the 20 query
# parameters a request may have (API_MAX_QUERY_PARAMETERS): every request the schema allows passes.
MAX_MEDICATIONS = 8


class KnownSlugField(serializers.CharField):
    """A slug that must name an existing row; every error lists the valid slugs."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(max_length=MAX_SLUG_LENGTH, **kwargs)

    def fail_with_choices(self, problem: str):
        slugs = valid_slugs(self.model)
        raise serializers.ValidationError(invalid(f"{problem}; valid: {', '.join(slugs)}.", slugs))

    def run_validation(self, data=serializers.empty):
        name = self.model._meta.verbose_name
        if data is serializers.empty and not self.required:
            raise SkipField()
        if data is serializers.empty or data in ("", None):
            self.fail_with_choices(f"Required: the slug of a {name}")
        if len(str(data)) > MAX_SLUG_LENGTH:
            self.fail_with_choices(f"Longer than {MAX_SLUG_LENGTH} characters")
        held = held_instance(self.context.get("rows"), self.model, str(data))
        if held is not None:
            return held
        try:
            return self.model.objects.get(slug=str(data))
        except self.model.DoesNotExist:
            self.fail_with_choices(f"Unknown {name} {str(data)!r}")


class SlugListField(serializers.CharField):
    """Slugs, repeated (``name=a&name=b``, what OpenAPI client generators send) or
    comma-separated (``name=a,b``), or both; duplicates are merged. Every error lists the valid
    slugs. Subclasses say what the slugs name (``noun``) and resolve them to rows."""

    noun = "item"
    max_items = 10

    def __init__(self, **kwargs):
        super().__init__(
            max_length=self.max_items * (MAX_SLUG_LENGTH + 1),
            allow_blank=True,
            trim_whitespace=False,
            **kwargs,
        )

    def valid(self) -> list[str]:
        """The slugs this field accepts, for error messages."""
        raise NotImplementedError

    def resolve(self, slugs: list[str]) -> dict[str, object]:
        """The rows the known slugs name, keyed by slug; unknown slugs are left out."""
        raise NotImplementedError

    def get_value(self, dictionary):
        """Every value of a repeated parameter, joined as one comma-separated list."""
        if hasattr(dictionary, "getlist") and self.field_name in dictionary:
            return ",".join(dictionary.getlist(self.field_name))
        return super().get_value(dictionary)

    def fail_with_choices(self, problem: str):
        slugs = self.valid()
        raise serializers.ValidationError(invalid(f"{problem} {', '.join(slugs)}.", slugs))

    def to_internal_value(self, data) -> list:
        if len(str(data)) > self.max_length:
            self.fail_with_choices(
                f"Longer than {self.max_length} characters; give at most {self.max_items} of:"
            )
        raw = super().to_internal_value(data)
        items = [item.strip() for item in raw.split(",")]
        if raw and not all(items):
            self.fail_with_choices("An empty item in the list; give comma-separated slugs of:")
        if len(items) > self.max_items:
            self.fail_with_choices(f"At most {self.max_items} {self.noun}s; valid:")
        slugs = list(dict.fromkeys(item for item in items if item))
        found = self.resolve(slugs) if slugs else {}
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            self.fail_with_choices(
                f"Unknown {self.noun}(s) {', '.join(map(repr, unknown))}; valid:"
            )
        return list(dict.fromkeys(found[slug] for slug in slugs))


class ProfileField(SlugListField):
    """Clinical-profile factor slugs."""

    noun = "profile factor"
    max_items = MAX_PROFILE_FACTORS

    def valid(self) -> list[str]:
        return valid_slugs(ProfileFactor)

    def resolve(self, slugs: list[str]) -> dict[str, ProfileFactor]:
        found = [held_instance(self.context.get("rows"), ProfileFactor, slug) for slug in slugs]
        if all(f is not None for f in found):
            return {f.slug: f for f in found}
        # One the held rows do not know (added since they were loaded): the database answers.
        return {f.slug: f for f in ProfileFactor.objects.filter(slug__in=slugs)}


class MedicationsField(SlugListField):
    """Medication classes the patient takes: a class's slug (ssri) or a member's (sertraline,
    which stands for its class); two members of one class are one class."""

    noun = "medication"
    max_items = MAX_MEDICATIONS

    def valid(self) -> list[str]:
        classes, members = medication_slugs()
        return classes + members

    def fail_with_choices(self, problem: str):
        classes, members = medication_slugs()
        raise serializers.ValidationError(
            invalid(
                f"{problem} a medication class ({', '.join(classes)}) or a member of one "
                f"({', '.join(members)}); see /api/v1/medications/.",
                classes + members,
            )
        )

    def resolve(self, slugs: list[str]) -> dict[str, MedicationClass]:
        return medications_by_slug(slugs)


class CodeField(serializers.CharField):
    """A ``system|code`` that names a row by a standard code (see content.codes). Subclasses name
    the code model and its systems as class attributes: DRF deep-copies a field's arguments each
    time a serializer is made, and copying the code systems took a fifth of validating a plan's
    query."""

    code_model: type[CodedIdentifier]
    systems: tuple[CodeSystem, ...]

    def to_internal_value(self, data):
        if len(str(data)) > MAX_CODE_LENGTH:
            raise serializers.ValidationError(
                invalid(f"Longer than {MAX_CODE_LENGTH} characters; give one system|code.")
            )
        try:
            found = coded_row_get(self.code_model, self.systems, super().to_internal_value(data))
        except CodeError as error:
            raise serializers.ValidationError(invalid(str(error), error.valid)) from None
        return getattr(found, self.code_model.ENTITY)


class DisorderCodeField(CodeField):
    code_model = DisorderCode
    systems = DISORDER_SYSTEMS


class CompoundCodeField(CodeField):
    code_model = CompoundCode
    systems = COMPOUND_SYSTEMS


class RecommendationQuerySerializer(serializers.Serializer):
    """The query of a recommendation request, resolved to rows. The disorder and the compound are
    each named by slug or by a standard code (``disorder_code=icd-10-cm|F10.20``), not both."""

    disorder = KnownSlugField(Disorder, required=False)
    disorder_code = DisorderCodeField(required=False)
    compound = KnownSlugField(Compound, required=False)
    compound_code = CompoundCodeField(required=False)
    profile = ProfileField(required=False, default="")
    medications = MedicationsField(required=False, default="")

    def validate(self, attrs: dict) -> dict:
        """One of slug and code for each of disorder and compound; the code resolves to the row."""
        errors = {}
        for name in ("disorder", "compound"):
            by_code = attrs.pop(f"{name}_code", None)
            if by_code is not None and name in attrs:
                errors[f"{name}_code"] = [
                    invalid(f"Give {name} (a slug) or {name}_code (system|code), not both.")
                ]
            elif by_code is not None:
                attrs[name] = by_code
            elif name not in attrs:
                model = Disorder if name == "disorder" else Compound
                slugs = valid_slugs(model)
                errors[name] = [
                    invalid(
                        f"Required: the slug of a {name} (or {name}_code=system|code); valid: "
                        f"{', '.join(slugs)}.",
                        slugs,
                    )
                ]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs
