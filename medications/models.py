"""Co-medications: the medication classes a patient may already take, their members with standard
codes, and the cited interactions of each class with a psychoplastogen.

The article says nothing on co-medication; every interaction here comes from a published source
outside it (``shared/sources/interactions.md``), recorded as ``cited_source``. Where no source
speaks of a pair there is no row, and the API says that no interaction is recorded, never that a
combination is safe.
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from compounds.models import Compound, CompoundClass
from content.models import ContentModel, Statement, locator_field, provenance_field
from content.text import in_sentence
from evidence.models import Reference

ATC_SYSTEM = "http://www.whocc.no/atc"
# An ATC code at any level: N, N06, N06A, N06AB, N06AB06.
validate_atc = RegexValidator(
    r"^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$",
    "Enter an ATC code such as N06AB06 (a substance) or N06AB (a group).",
    code="invalid_atc",
)


def atc_field(**kwargs) -> models.CharField:
    """A WHO ATC code; empty until an editor has checked one."""
    return models.CharField(
        "ATC code",
        max_length=7,
        blank=True,
        validators=[validate_atc],
        help_text="WHO ATC code, as listed in the ATC/DDD index; leave empty unless checked "
        "there: an empty code is honest, a wrong one mis-maps a patient's medication.",
        **kwargs,
    )


def atc_has_source(model_name: str) -> models.CheckConstraint:
    """A code is stored only with where it was checked."""
    return models.CheckConstraint(
        condition=models.Q(atc_code="") | ~models.Q(atc_source=""),
        name=f"{model_name}_atc_has_source",
        violation_error_message="Say where the ATC code was checked.",
    )


def code_source_field() -> models.CharField:
    return models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the code was checked (e.g. the WHO ATC/DDD index); empty with no code.",
    )


class MedicationClass(ContentModel):
    """A class of medication a patient may already take (SSRIs, lithium, ...)."""

    slug = models.SlugField(
        max_length=60, unique=True, help_text="What `medications=` takes, e.g. ssri."
    )
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(
        blank=True, help_text="What the class is, in plain words (a definition, not a claim)."
    )
    atc_code = atc_field()
    atc_source = code_source_field()

    class Meta:
        ordering = ["name"]
        verbose_name = "medication class"
        verbose_name_plural = "medication classes"
        constraints = [atc_has_source("medicationclass")]

    def __str__(self) -> str:
        return self.name


class Medication(ContentModel):
    """One medication of a class (sertraline among the SSRIs), with its standard code."""

    medication_class = models.ForeignKey(
        MedicationClass, on_delete=models.CASCADE, related_name="members"
    )
    slug = models.SlugField(
        max_length=60,
        unique=True,
        help_text="`medications=` takes it too, for its class (e.g. sertraline for ssri).",
    )
    name = models.CharField(max_length=120, unique=True)
    atc_code = atc_field()
    atc_source = code_source_field()

    class Meta:
        ordering = ["name"]
        constraints = [atc_has_source("medication")]

    def __str__(self) -> str:
        return self.name


class InteractionEffect(models.TextChoices):
    """What a source says happens when the medication is taken with the compound."""

    SEIZURE_RISK = "seizure_risk", "Seizures"
    SEROTONIN_TOXICITY_RISK = "serotonin_toxicity_risk", "Serotonin toxicity"
    ATTENUATED_THERAPEUTIC_EFFECT = (
        "attenuated_therapeutic_effect",
        "Weaker therapeutic effect",
    )
    ATTENUATED_ACUTE_EFFECT = "attenuated_acute_effect", "Weaker acute effects"
    ALTERED_ACUTE_EFFECT = "altered_acute_effect", "Changed acute subjective effects"
    ALTERED_TREATMENT_RESPONSE = "altered_treatment_response", "Changed treatment response"
    NO_SEIZURE_ASSOCIATION = (
        "no_seizure_association",
        "No association with seizures found (not evidence of safety)",
    )
    REVIEWED_NO_FINDING_RECORDED = (
        "reviewed_no_finding_recorded",
        "Reviewed by the source; no finding of it is recorded here",
    )


class InteractionRisk(models.TextChoices):
    """How much harm, to the patient or to the treatment, the combination risks; worst first.

    There is deliberately no 'low risk' or 'safe' level: no source recorded here makes such a
    claim, and the absence of a known risk is ``unknown``. Mixtures.info's levels map one to one
    (Dangerous, Unsafe, Caution, Unknown); TripSit's Dangerous, Unsafe and Caution map to the
    same names; TripSit's three 'Low risk' levels and Mixtures' 'Neutral' have no equivalent here.
    """

    DANGEROUS = "dangerous", "Dangerous: do not combine"
    UNSAFE = "unsafe", "Unsafe: combine only with specific precautions"
    CAUTION = "caution", "Caution: may harm the patient or the treatment"
    UNKNOWN = "unknown", "Unknown: no risk level established (not a statement of safety)"


class InteractionReliability(models.TextChoices):
    """How well the judgement is supported (Mixtures.info's pattern)."""

    PROVEN = "proven", "Proven: shown in controlled studies of the combination in people"
    INFERRED = (
        "inferred",
        (
            "Inferred: observed in people without a controlled test (analyses of reports, "
            "surveys, secondary analyses of trials)"
        ),
    )
    HYPOTHETICAL = "hypothetical", "Hypothetical: expected from pharmacology, not observed"


DUPLICATE = (
    "This effect is already recorded for this compound (or class) and medication class; add "
    "your references to that row."
)


class Interaction(ContentModel):
    """A cited judgement on taking a medication class with a compound (or a class of compounds).

    ``summary`` says what the source states; ``effect``, ``risk`` and ``reliability`` put it on
    the service's scales, and ``risk_basis`` says why this risk level (an editor's judgement
    from what the source states). ``management`` holds advice only where a source gives some.
    """

    _history_m2m_fields = ["references"]

    STATEMENTS = (
        Statement("summary", "references"),
        Statement("management", "references", "management"),
    )

    slug = models.SlugField(max_length=120, unique=True)
    compound = models.ForeignKey(
        Compound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interactions",
        help_text="The compound; leave empty when the source speaks of a class of compounds.",
    )
    compound_class = models.CharField(
        max_length=30,
        choices=CompoundClass.choices,
        blank=True,
        help_text="Every compound of this class (classic psychedelics: psilocybin and LSD), "
        "when the source speaks of the class; leave empty when a compound is named.",
    )
    medication_class = models.ForeignKey(
        MedicationClass, on_delete=models.PROTECT, related_name="interactions"
    )
    effect = models.CharField(max_length=40, choices=InteractionEffect.choices)
    risk = models.CharField(max_length=20, choices=InteractionRisk.choices)
    risk_basis = models.TextField(
        help_text="Why this risk level: an editor's judgement from what the source states."
    )
    reliability = models.CharField(
        max_length=20,
        choices=InteractionReliability.choices,
        blank=True,
        help_text="How well the judgement is supported; empty only when the risk is unknown "
        "and no effect is recorded.",
    )
    summary = models.TextField(help_text="What the source states of this combination.")
    references = models.ManyToManyField(Reference, related_name="interactions")
    provenance = provenance_field()
    locator = locator_field()
    management = models.TextField(
        blank=True,
        help_text="What to do, only where a source gives advice; empty otherwise.",
    )
    management_provenance = provenance_field()
    management_locator = locator_field()

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(compound__isnull=False, compound_class="")
                    | models.Q(compound__isnull=True, compound_class__in=CompoundClass.values)
                ),
                name="interaction_one_compound_scope",
                violation_error_message="Name a compound or a class of compounds, not both.",
            ),
            models.CheckConstraint(
                condition=models.Q(effect__in=InteractionEffect.values),
                name="interaction_effect_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(risk__in=InteractionRisk.values),
                name="interaction_risk_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(reliability__in=InteractionReliability.values)
                | models.Q(reliability="", risk=InteractionRisk.UNKNOWN),
                name="interaction_reliability_valid",
                violation_error_message="Give the reliability of every judgement with a risk "
                "level; leave it empty only when the risk is unknown.",
            ),
            # Two partial constraints, not one: NULL compounds are distinct in a unique index.
            models.UniqueConstraint(
                fields=["compound", "medication_class", "effect"],
                condition=models.Q(compound__isnull=False),
                name="interaction_unique_compound_effect",
                violation_error_message=DUPLICATE,
            ),
            models.UniqueConstraint(
                fields=["compound_class", "medication_class", "effect"],
                condition=models.Q(compound__isnull=True),
                name="interaction_unique_class_effect",
                violation_error_message=DUPLICATE,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """A readable name, e.g. 'Classic psychedelics with Lithium: seizures'; reads the
        compound and the medication class, which every query for interactions selects."""
        if self.compound_id is not None:
            return self.name_for(self.compound.name)
        return self.name_for(f"{CompoundClass(self.compound_class).label}s")

    def name_for(self, subject: str) -> str:
        """'<subject> with <medication class>: <effect>', as a plan titles it for its compound."""
        medication = in_sentence(self.medication_class.name)
        return f"{subject} with {medication}: {in_sentence(self.get_effect_display())}"

    def clean(self) -> None:
        """Name one compound or one class of compounds."""
        if bool(self.compound_id) == bool(self.compound_class):
            raise ValidationError(
                {"compound_class": "Name a compound or a class of compounds (not both)."}
            )

    def applies_to(self, compound: Compound) -> bool:
        """Whether the interaction covers ``compound``: named, or of the class named."""
        if self.compound_id is not None:
            return self.compound_id == compound.pk
        return self.compound_class == compound.compound_class
