"""The recommendation query: slugs resolved to rows, with errors that list the valid slugs
(in the message, and as the problem's ``valid`` list)."""

from rest_framework import serializers

from api.exceptions import invalid
from compounds.models import Compound
from content.models import valid_slugs
from disorders.models import Disorder, ProfileFactor

MAX_SLUG_LENGTH = 80
MAX_PROFILE_FACTORS = 10


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
        if data is serializers.empty or data in ("", None):
            self.fail_with_choices(f"Required: the slug of a {name}")
        if len(str(data)) > MAX_SLUG_LENGTH:
            self.fail_with_choices(f"Longer than {MAX_SLUG_LENGTH} characters")
        found = self.model.objects.filter(slug=str(data)).first()
        if found is None:
            self.fail_with_choices(f"Unknown {name} {str(data)!r}")
        return found


class ProfileField(serializers.CharField):
    """Clinical-profile factor slugs, repeated (``profile=a&profile=b``, what OpenAPI client
    generators send) or comma-separated (``profile=a,b``), or both; duplicates are merged."""

    def __init__(self, **kwargs):
        super().__init__(
            max_length=MAX_PROFILE_FACTORS * (MAX_SLUG_LENGTH + 1),
            allow_blank=True,
            trim_whitespace=False,
            **kwargs,
        )

    def get_value(self, dictionary):
        """Every value of a repeated parameter, joined as one comma-separated list."""
        if hasattr(dictionary, "getlist") and self.field_name in dictionary:
            return ",".join(dictionary.getlist(self.field_name))
        return super().get_value(dictionary)

    def fail_with_choices(self, problem: str):
        slugs = valid_slugs(ProfileFactor)
        raise serializers.ValidationError(invalid(f"{problem} {', '.join(slugs)}.", slugs))

    def to_internal_value(self, data) -> list[ProfileFactor]:
        if len(str(data)) > self.max_length:
            self.fail_with_choices(
                f"Longer than {self.max_length} characters; give at most {MAX_PROFILE_FACTORS} of:"
            )
        raw = super().to_internal_value(data)
        items = [item.strip() for item in raw.split(",")]
        if raw and not all(items):
            self.fail_with_choices("An empty item in the list; give comma-separated slugs of:")
        if len(items) > MAX_PROFILE_FACTORS:
            self.fail_with_choices(f"At most {MAX_PROFILE_FACTORS} factors; valid:")
        slugs = list(dict.fromkeys(item for item in items if item))
        found = {f.slug: f for f in ProfileFactor.objects.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            self.fail_with_choices(
                f"Unknown profile factor(s) {', '.join(map(repr, unknown))}; valid:"
            )
        return [found[slug] for slug in slugs]


class RecommendationQuerySerializer(serializers.Serializer):
    """The query of a recommendation request, resolved to rows."""

    disorder = KnownSlugField(Disorder)
    compound = KnownSlugField(Compound)
    profile = ProfileField(required=False, default="")
