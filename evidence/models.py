"""References: the citable sources behind every clinical statement in the service."""

import re

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower

from content.models import ContentModel

DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
# The source article this service restates; its numbered references have seed numbers.
ARTICLE_DOI = "10.3389/fpsyt.2025.1565852"
DOI_RESOLVER = "https://doi.org/"

validate_doi = RegexValidator(
    DOI_PATTERN,
    "Enter a DOI such as 10.1176/appi.ajp.2021.21030277, without the https://doi.org/ prefix.",
    code="invalid_doi",
)


def normalize_doi(value: str | None) -> str | None:
    """Return a DOI without resolver or ``doi:`` prefixes and surrounding space; None if empty."""
    if value is None:
        return None
    doi = value.strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if doi.lower().startswith(prefix):
            doi = doi[len(prefix) :].strip()
    return doi or None


class EvidenceType(models.TextChoices):
    """What kind of source a reference is, strongest clinical design first."""

    RANDOMIZED_CONTROLLED_TRIAL = "randomized_controlled_trial", "Randomized controlled trial"
    RANDOMIZED_PILOT = "randomized_pilot", "Randomized pilot trial"
    OPEN_LABEL_TRIAL = "open_label_trial", "Open-label trial"
    PROOF_OF_CONCEPT_STUDY = "proof_of_concept_study", "Proof-of-concept study"
    OBSERVATIONAL_STUDY = "observational_study", "Observational study"
    HUMAN_IMAGING_STUDY = "human_imaging_study", "Human imaging study"
    SYSTEMATIC_REVIEW = "systematic_review", "Systematic review"
    NARRATIVE_REVIEW = "narrative_review", "Narrative review"
    TREATMENT_MANUAL = "treatment_manual", "Treatment manual"
    GUIDELINE = "guideline", "Guideline"
    EXPERT_OPINION = "expert_opinion", "Expert opinion"
    PRECLINICAL_STUDY = "preclinical_study", "Preclinical study"
    REFERENCE_WORK = "reference_work", "Reference work"


class ReferenceOrigin(models.TextChoices):
    """Where a reference comes from, relative to the source article."""

    ARTICLE = "article", "The source article itself"
    ARTICLE_REFERENCE = "article_reference", "In the article's reference list"
    OUTSIDE_ARTICLE = "outside_article", "A source outside the article, added by editors"


# The years a reference may have (database constraint, validators and the API's year filter).
YEAR_RANGE = (1800, 2100)
CITATION_COLUMNS = ("id", "seed_number", "authors", "title", "year", "doi", "url", "evidence_type")
# The one order of references, everywhere: the article's numbered references by number, then the
# sources outside its list (the article itself, later additions) in the order they were added.
CITATION_ORDER = (models.F("seed_number").asc(nulls_last=True), "id")


class ReferenceQuerySet(models.QuerySet):
    """Look-ups of references by the tokens fixtures and clients use to cite them."""

    def in_citation_order(self) -> "ReferenceQuerySet":
        """Order seed references by number, then outside sources, the same on every database."""
        return self.order_by(*CITATION_ORDER)

    def for_citing(self) -> "ReferenceQuerySet":
        """The references as statements cite them: in citation order, with only the columns a
        citation shows (the long citation text and timestamps stay in the database)."""
        return self.in_citation_order().only(*CITATION_COLUMNS)

    def by_token(self, token: int | str) -> "ReferenceQuerySet":
        """Filter by a seed number (int) or a DOI (str, matched case-insensitively)."""
        if isinstance(token, int) and not isinstance(token, bool):
            return self.filter(seed_number=token)
        return self.filter(doi__iexact=normalize_doi(str(token)))


class Reference(ContentModel):
    """A citable source: one of the article's numbered references, the article, or another one."""

    seed_number = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        unique=True,
        help_text="Number in the source article's reference list; empty for sources outside it.",
    )
    authors = models.CharField(
        max_length=500, help_text="As printed, e.g. 'Johnson M, Richards W'."
    )
    title = models.CharField(max_length=500)
    venue = models.CharField(max_length=300, blank=True, help_text="Journal, book or publisher.")
    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(YEAR_RANGE[0]), MaxValueValidator(YEAR_RANGE[1])]
    )
    # NULL rather than "" when absent, so the unique index admits many references without one.
    doi = models.CharField(  # noqa: DJ001
        "DOI",
        max_length=200,
        null=True,
        blank=True,
        validators=[validate_doi],
        help_text="Without the https://doi.org/ prefix. Unique when present.",
    )
    url = models.URLField("URL", max_length=500, blank=True)
    evidence_type = models.CharField(max_length=40, choices=EvidenceType.choices)
    citation = models.TextField(help_text="The full citation, as printed in the source.")

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = CITATION_ORDER
        constraints = [
            models.UniqueConstraint(
                Lower("doi"),
                name="reference_unique_doi",
                violation_error_message="Another reference already has this DOI.",
            ),
            models.CheckConstraint(
                condition=models.Q(doi__isnull=True) | models.Q(doi__startswith="10."),
                name="reference_doi_format",
                violation_error_message="A DOI starts with '10.'.",
            ),
            models.CheckConstraint(
                condition=models.Q(seed_number__isnull=False) | models.Q(doi__isnull=False),
                name="reference_identifiable",
                violation_error_message="A reference needs a seed number or a DOI.",
            ),
            models.CheckConstraint(
                condition=models.Q(year__gte=YEAR_RANGE[0], year__lte=YEAR_RANGE[1]),
                name="reference_year_range",
            ),
            models.CheckConstraint(
                condition=models.Q(evidence_type__in=EvidenceType.values),
                name="reference_evidence_type_valid",
            ),
        ]

    def __str__(self) -> str:
        if self.seed_number is None:
            return self.short_citation
        return f"[{self.seed_number}] {self.short_citation}"

    def clean_fields(self, exclude=None) -> None:
        """Store DOIs bare, whatever prefix an editor pasted, before validating them."""
        self.doi = normalize_doi(self.doi)
        super().clean_fields(exclude=exclude)

    @property
    def short_citation(self) -> str:
        """Return 'Surname (year)', 'A and B (year)' or 'Surname et al. (year)'."""
        return f"{short_authors(self.authors)} ({self.year})"

    @property
    def origin(self) -> str:
        """The article's own reference (numbered), the article itself, or a source outside it."""
        if self.seed_number is not None:
            return ReferenceOrigin.ARTICLE_REFERENCE
        if self.doi == ARTICLE_DOI:
            return ReferenceOrigin.ARTICLE
        return ReferenceOrigin.OUTSIDE_ARTICLE

    @property
    def doi_url(self) -> str | None:
        """Return the DOI as a resolvable link, or None."""
        return f"{DOI_RESOLVER}{self.doi}" if self.doi else None

    @property
    def lookup_key(self) -> str:
        """Return what the API addresses this reference by: its seed number, so that
        ``/references/90/`` is the article's reference (90), else (the article itself, outside
        sources) its DOI; the database id is never shown, as it is one off the seed numbers."""
        return str(self.seed_number) if self.seed_number is not None else self.doi

    def natural_key(self) -> str:
        """Return the key fixtures cite this reference by: 'seed:75' or 'doi:10.x/y'."""
        return f"seed:{self.seed_number}" if self.seed_number is not None else f"doi:{self.doi}"


def citations(field: str = "references") -> models.Prefetch:
    """Prefetch a many-to-many of references the way statements cite them (see for_citing)."""
    return models.Prefetch(field, queryset=Reference.objects.for_citing())


_INITIALS = re.compile(r"^[A-Z][A-Z\-]{0,4}$")


def short_authors(authors: str) -> str:
    """Return the surname form of an author list: 'Jones', 'Roth and Gumpper', 'Ly et al.'."""
    names = [name.strip() for name in authors.split(",") if name.strip()]
    if not names:
        return "Anonymous"
    et_al = len(names) > 2 or names[-1].endswith("et al.")
    names = [name.removesuffix("et al.").strip() for name in names]
    surnames = [_surname(name) for name in names if name] or ["Anonymous"]
    if et_al:
        return f"{surnames[0]} et al."
    return " and ".join(surnames)


def _surname(name: str) -> str:
    """Drop trailing initials ('Johnson M' -> 'Johnson'; 'de Vos CMH' -> 'de Vos')."""
    words = name.split()
    while len(words) > 1 and _INITIALS.match(words[-1]):
        words.pop()
    return " ".join(words)
