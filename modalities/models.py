"""Psychotherapy modalities that guide the plasticity window, and the phases of treatment."""

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from content.models import ContentModel, Statement, locator_field, provenance_field
from content.text import lines
from evidence.models import Reference


class TreatmentPhase(models.TextChoices):
    """The three phases of psychoplastogen-assisted therapy, in the order they happen."""

    PREPARATION = "preparation", "Preparation"
    MEDICATION_SESSION = "medication_session", "Medication session"
    INTEGRATION = "integration", "Integration"


class Lineage(models.TextChoices):
    """The therapeutic tradition a modality comes from."""

    PSYCHOEDUCATIONAL = "psychoeducational", "Psychoeducational"
    SUPPORTIVE = "supportive", "Supportive"
    PSYCHODYNAMIC = "psychodynamic", "Psychodynamic"
    COGNITIVE_BEHAVIORAL = "cognitive_behavioral", "Cognitive-behavioral"
    CONTEXTUAL_BEHAVIORAL = (
        "contextual_behavioral",
        "Contextual (acceptance- and mindfulness-based)",
    )
    MOTIVATIONAL = "motivational", "Motivational"
    SOMATIC = "somatic", "Somatic"
    INTEGRATIVE = "integrative", "Integrative (multimodal)"


T = TypeVar("T")


def by_phase(
    items: Iterable[T], phase_of: Callable[[T], Any] = attrgetter("phase")
) -> dict[str, list[T]]:
    """Group items by treatment phase, in treatment order, with every phase present."""
    phases: dict[str, list[T]] = {phase: [] for phase in TreatmentPhase.values}
    for item in items:
        phases[phase_of(item)].append(item)
    return phases


PHASE_FIELDS = {
    TreatmentPhase.PREPARATION: "serves_preparation",
    TreatmentPhase.MEDICATION_SESSION: "serves_medication_session",
    TreatmentPhase.INTEGRATION: "serves_integration",
}


class Modality(ContentModel):
    """A psychotherapy approach that can guide the window a psychoplastogen opens."""

    _history_m2m_fields = ["references"]

    STATEMENTS = (Statement("aims", "references"),)

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=150, unique=True)
    lineage = models.CharField(max_length=30, choices=Lineage.choices)
    aims = models.TextField(help_text="What the modality sets out to change.")
    key_techniques = models.TextField(
        blank=True, help_text="Key techniques, one per line; empty where the sources name none."
    )
    serves_preparation = models.BooleanField("preparation", default=False)
    serves_medication_session = models.BooleanField("medication session", default=False)
    serves_integration = models.BooleanField("integration", default=False)
    phase_note = models.TextField(
        blank=True, help_text="Where the sources leave the phase open, say so here."
    )
    minimum_standard_phase = models.CharField(
        max_length=30,
        choices=TreatmentPhase.choices,
        blank=True,
        help_text="The phase in which the sources make this modality the minimum standard of "
        "care; a plan without it in that phase warns that the content is incomplete.",
    )
    references = models.ManyToManyField(Reference, related_name="modalities")
    provenance = provenance_field()
    locator = locator_field()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "modalities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lineage__in=Lineage.values), name="modality_lineage_valid"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(serves_preparation=True)
                    | models.Q(serves_medication_session=True)
                    | models.Q(serves_integration=True)
                ),
                name="modality_serves_a_phase",
                violation_error_message="A modality serves at least one treatment phase.",
            ),
            models.CheckConstraint(
                condition=models.Q(minimum_standard_phase="")
                | models.Q(minimum_standard_phase__in=TreatmentPhase.values),
                name="modality_minimum_standard_phase_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A modality can be the minimum standard only of a phase it serves."""
        phase = self.minimum_standard_phase
        if phase in TreatmentPhase.values and not self.serves(phase):
            raise ValidationError(
                {
                    "minimum_standard_phase": f"{self} does not serve the "
                    f"{TreatmentPhase(phase).label.lower()} phase; tick it first."
                }
            )

    @property
    def phases(self) -> list[str]:
        """Return the phases this modality serves, in treatment order."""
        return [phase.value for phase, field in PHASE_FIELDS.items() if getattr(self, field)]

    def serves(self, phase: str) -> bool:
        """Return whether this modality serves the given phase."""
        return bool(getattr(self, PHASE_FIELDS[TreatmentPhase(phase)]))

    @property
    def technique_list(self) -> list[str]:
        """Return the key techniques as a list."""
        return lines(self.key_techniques)
