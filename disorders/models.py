"""Disorders and clinical-profile factors: who a plan is for, with cited patterns and risks."""

from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from content.codes import DISORDER_SYSTEMS, CodedIdentifier, one_row_per_code, system_choices
from content.models import ContentModel, Statement, locator_field, provenance_field
from evidence.models import Reference

K = TypeVar("K", bound=Hashable)


def ancestry(start: K | None, parent_of: Callable[[K], K | None]) -> list[K]:
    """Return ``start`` and its ancestors, nearest first, stopping before any loop.

    The one walk up the disorder hierarchy: the engine uses it to let a broader disorder's
    guidance apply to its subtypes, and ``Disorder.clean`` to refuse a parent chain that loops.
    """
    chain: list[K] = []
    current = start
    while current is not None and current not in chain:
        chain.append(current)
        current = parent_of(current)
    return chain


class DisorderCategory(models.TextChoices):
    """Diagnostic family of a disorder."""

    MOOD = "mood", "Mood disorder"
    ANXIETY = "anxiety", "Anxiety disorder"
    TRAUMA = "trauma", "Trauma- and stressor-related disorder"
    OBSESSIVE_COMPULSIVE = "obsessive_compulsive", "Obsessive-compulsive disorder"
    EATING = "eating", "Feeding and eating disorder"
    SUBSTANCE_USE = "substance_use", "Substance use disorder"
    PAIN = "pain", "Chronic pain condition"
    PSYCHOTIC = "psychotic", "Psychotic disorder"


class Disorder(ContentModel):
    """A condition the article discusses, its habitual patterns and maladaptive-plasticity risk."""

    _history_m2m_fields = [
        "habitual_patterns_references",
        "plasticity_risk_references",
        "references",
    ]

    STATEMENTS = (
        Statement("habitual_patterns", "habitual_patterns_references", "habitual_patterns"),
        Statement("plasticity_risk", "plasticity_risk_references", "plasticity_risk"),
        Statement("evidence_summary", "references"),
    )

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=150, unique=True)
    category = models.CharField(max_length=30, choices=DisorderCategory.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subtypes",
        help_text="A broader disorder whose guidance also applies here.",
    )
    habitual_patterns = models.TextField(
        blank=True,
        help_text="The habitual patterns of thought, emotion and behavior that characterize it; "
        "empty where the sources are silent.",
    )
    habitual_patterns_references = models.ManyToManyField(Reference, blank=True, related_name="+")
    habitual_patterns_provenance = provenance_field()
    habitual_patterns_locator = locator_field()
    plasticity_risk = models.TextField(
        "maladaptive-plasticity risk",
        blank=True,
        help_text="How plasticity can entrench the disorder; empty where the sources are silent.",
    )
    plasticity_risk_references = models.ManyToManyField(Reference, blank=True, related_name="+")
    plasticity_risk_provenance = provenance_field()
    plasticity_risk_locator = locator_field()
    evidence_summary = models.TextField(
        help_text="What the sources offer on psychoplastogen treatment of this disorder, "
        "including when they offer nothing.",
    )
    references = models.ManyToManyField(Reference, related_name="disorders")
    provenance = provenance_field()
    locator = locator_field()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=DisorderCategory.values),
                name="disorder_category_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="disorder_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Reject a parent chain that loops back to this disorder."""
        if self.pk is None or self.parent_id is None:
            return
        parents = dict(Disorder.objects.values_list("id", "parent_id"))
        parents[self.pk] = self.parent_id
        if self.pk in ancestry(self.parent_id, parents.get):
            raise ValidationError({"parent": "A disorder cannot be nested inside itself."})


class ProfileFactor(ContentModel):
    """A clinical-profile factor that changes which techniques fit, e.g. dissociative tendencies."""

    _history_m2m_fields = ["references"]

    STATEMENTS = (Statement("description", "references"),)

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=150, unique=True)
    description = models.TextField()
    references = models.ManyToManyField(Reference, related_name="profile_factors")
    provenance = provenance_field()
    locator = locator_field()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DisorderCode(CodedIdentifier):
    """A disorder's code in a standard system (SNOMED CT, ICD-10-CM, ICD-11)."""

    ENTITY = "disorder"

    disorder = models.ForeignKey(Disorder, on_delete=models.CASCADE, related_name="codes")
    system = models.CharField(max_length=20, choices=system_choices(DISORDER_SYSTEMS))

    class Meta:
        ordering = ["disorder__name", "system", "code"]
        verbose_name = "disorder code"
        constraints = [one_row_per_code("disorder")]
