"""Psychoplastogens, the plasticity mechanisms they engage, and the evidence for each link."""

from django.db import models

from content.codes import COMPOUND_SYSTEMS, CodedIdentifier, one_row_per_code, system_choices
from content.models import ContentModel, Statement, locator_field, provenance_field
from content.text import lines
from evidence.models import Reference


class CompoundClass(models.TextChoices):
    """Pharmacological family, as the literature groups them."""

    CLASSIC_PSYCHEDELIC = "classic_psychedelic", "Classic psychedelic"
    DISSOCIATIVE = "dissociative", "Dissociative anesthetic"
    ENTACTOGEN = "entactogen", "Entactogen"


class MechanismLevel(models.TextChoices):
    """The article's levels of brain organization, from molecules to behavior."""

    MOLECULAR = "molecular", "Molecular"
    CELLULAR = "cellular", "Cellular"
    NETWORK = "network", "Network"
    BEHAVIORAL = "behavioral", "Behavioral"


class EvidenceBasis(models.TextChoices):
    """Whether a compound-mechanism link was shown in people or in animal and cell models."""

    HUMAN = "human", "Human"
    PRECLINICAL = "preclinical", "Preclinical"


class Compound(ContentModel):
    """A psychoplastogen: a drug that opens a window of neuroplasticity after a single dose."""

    _history_m2m_fields = ["references", "plasticity_window_references"]

    STATEMENTS = (
        Statement("summary", "references"),
        Statement("plasticity_statement", "plasticity_window_references", "plasticity"),
    )

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    synonyms = models.TextField(blank=True, help_text="Other names, one per line.")
    compound_class = models.CharField("class", max_length=30, choices=CompoundClass.choices)
    primary_targets = models.TextField(help_text="Primary molecular targets, one per line.")
    summary = models.TextField()
    references = models.ManyToManyField(Reference, related_name="compounds")
    provenance = provenance_field()
    locator = locator_field()
    # When plasticity appears after one dose (a time to effect), and how long the window it opens
    # stays open: two different things, kept apart so no client reads the onset as a closing time.
    plasticity_onset_min_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Earliest hour after a single dose by which the sources state plasticity "
        "effects appear (time to effect, not a window's end).",
    )
    plasticity_onset_max_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Latest hour after a single dose by which the sources state plasticity effects "
        "appear (time to effect, not a window's end).",
    )
    plasticity_window_duration_hours = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How long the window of plasticity stays open, in hours, only where a source "
        "states it; empty otherwise.",
    )
    plasticity_window_duration_note = models.TextField(
        blank=True,
        help_text="What the sources say, or do not say, about how long the window stays open.",
    )
    plasticity_statement = models.TextField(
        blank=True,
        help_text="What the sources say about this compound's plasticity after one dose, or that "
        "they state nothing.",
    )
    plasticity_window_references = models.ManyToManyField(Reference, blank=True, related_name="+")
    plasticity_provenance = provenance_field()
    plasticity_locator = locator_field()
    mechanisms = models.ManyToManyField(
        "Mechanism", through="CompoundMechanism", related_name="compounds"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(compound_class__in=CompoundClass.values),
                name="compound_class_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        plasticity_onset_min_hours__isnull=True,
                        plasticity_onset_max_hours__isnull=True,
                    )
                    | models.Q(
                        plasticity_onset_min_hours__isnull=False,
                        plasticity_onset_max_hours__isnull=False,
                        plasticity_onset_min_hours__lte=models.F("plasticity_onset_max_hours"),
                    )
                ),
                name="compound_plasticity_onset_range",
                violation_error_message="Give both ends of the time to effect, earliest first, "
                "or neither.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def synonym_list(self) -> list[str]:
        """Return the synonyms as a list."""
        return lines(self.synonyms)

    @property
    def primary_target_list(self) -> list[str]:
        """Return the primary molecular targets as a list."""
        return lines(self.primary_targets)

    @property
    def has_plasticity_onset(self) -> bool:
        """Return whether the sources state when plasticity appears after a dose."""
        return self.plasticity_onset_min_hours is not None


class Mechanism(ContentModel):
    """A mechanism of neuroplasticity at one level of brain organization."""

    _history_m2m_fields = ["references"]

    STATEMENTS = (Statement("description", "references"),)

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=150, unique=True)
    level = models.CharField(max_length=20, choices=MechanismLevel.choices)
    description = models.TextField()
    references = models.ManyToManyField(Reference, related_name="mechanisms")
    provenance = provenance_field()
    locator = locator_field()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=MechanismLevel.values), name="mechanism_level_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display().lower()})"


class CompoundMechanism(ContentModel):
    """The cited claim that a compound engages a mechanism, and whether shown in humans."""

    _history_m2m_fields = ["references"]

    STATEMENTS = (Statement("summary", "references"),)

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="mechanism_links")
    mechanism = models.ForeignKey(
        Mechanism, on_delete=models.CASCADE, related_name="compound_links"
    )
    evidence_basis = models.CharField(max_length=20, choices=EvidenceBasis.choices)
    summary = models.TextField(help_text="What the sources show of this compound and mechanism.")
    references = models.ManyToManyField(Reference, related_name="compound_mechanisms")
    provenance = provenance_field()
    locator = locator_field()

    class Meta:
        ordering = ["compound__name", "mechanism__name"]
        verbose_name = "compound mechanism"
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "mechanism"],
                name="compoundmechanism_unique_pair",
                violation_error_message="This compound is already linked to this mechanism.",
            ),
            models.CheckConstraint(
                condition=models.Q(evidence_basis__in=EvidenceBasis.values),
                name="compoundmechanism_evidence_basis_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound} → {self.mechanism.name}"


class CompoundCode(CodedIdentifier):
    """A compound's code in a standard system (PubChem CID, UNII, ATC, ...)."""

    ENTITY = "compound"

    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="codes")
    system = models.CharField(max_length=20, choices=system_choices(COMPOUND_SYSTEMS))

    class Meta:
        ordering = ["compound__name", "system", "code"]
        verbose_name = "compound code"
        constraints = [one_row_per_code("compound")]
