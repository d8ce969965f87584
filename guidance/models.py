"""The cited statements that pair therapy with a disorder, compound or profile, and safety."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from compounds.models import Compound, CompoundClass
from content.models import ContentModel, Statement, locator_field, provenance_field
from content.text import in_sentence
from disorders.models import Disorder, ProfileFactor
from evidence.models import Reference
from guidance.grading import Certainty, Direction, Kind
from modalities.models import Modality, TreatmentPhase


class GuidanceStrength(models.TextChoices):
    """How a pairing is supported, strongest first."""

    TRIAL = "trial", "Delivered with the compound in a clinical trial"
    STANDARD = "standard", "Minimum standard of care in the sources"
    FRAMEWORK = "framework", "Published treatment framework or manual"
    COMMON_PRACTICE = "common_practice", "Common practice across trials"
    PROPOSAL = "proposal", "Proposed by the sources, not tested as a pairing"
    INFERRED = "inferred", "Inferred from what the sources say a technique targets"


class PublicationStatus(models.TextChoices):
    """Whether a guidance row may be shown to the public and used in plans."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishedGuidanceQuerySet(models.QuerySet):
    """Guidance rows, with the subset the public API and the engine may use."""

    def published(self) -> "PublishedGuidanceQuerySet":
        """Only rows a reviewer has published; drafts never leave the admin."""
        return self.filter(status=PublicationStatus.PUBLISHED)


# A guidance row's slug is its FHIR id too (/fhir/PlanDefinition/<slug>): FHIR allows letters,
# digits, '-' and '.', at most 64 characters.
fhir_id_slug = RegexValidator(
    r"^[A-Za-z0-9-]{1,64}$",
    "Letters, digits and hyphens, at most 64 characters: the slug is also the row's FHIR id.",
    code="invalid_fhir_id",
)


def guidance_name(
    modality: str,
    phase: str,
    disorder: str | None,
    compound: str | None,
    profile_factor: str | None,
) -> str:
    """A guidance row's readable name from its modality's, phase's and scope's names (see
    Guidance.name; the read model makes it from rows, api.documents)."""
    scope = [
        f"{word} {in_sentence(name)}"
        for word, name in (("for", disorder), ("with", compound), ("given", profile_factor))
        if name is not None
    ]
    label = TreatmentPhase(phase).label.lower()
    where = " ".join(scope) or "for any disorder and compound"
    return f"{modality} in the {label} phase, {where}"


class Guidance(ContentModel):
    """One cited statement pairing a modality, in one phase, with a disorder, compound or profile.

    A row with no disorder, compound or profile factor is general guidance for every plan.
    """

    _history_m2m_fields = ["references"]

    STATEMENTS = (Statement("rationale", "references"),)

    slug = models.SlugField(max_length=64, unique=True, validators=[fhir_id_slug])
    disorder = models.ForeignKey(
        Disorder, on_delete=models.PROTECT, null=True, blank=True, related_name="guidance"
    )
    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, null=True, blank=True, related_name="guidance"
    )
    profile_factor = models.ForeignKey(
        ProfileFactor, on_delete=models.PROTECT, null=True, blank=True, related_name="guidance"
    )
    modality = models.ForeignKey(Modality, on_delete=models.PROTECT, related_name="guidance")
    phase = models.CharField(max_length=30, choices=TreatmentPhase.choices)
    rationale = models.TextField()
    strength = models.CharField(max_length=30, choices=GuidanceStrength.choices)
    references = models.ManyToManyField(Reference, related_name="guidance")
    provenance = provenance_field()
    locator = locator_field()
    kind = models.CharField(
        max_length=30,
        choices=Kind.choices,
        default=Kind.RESEARCH_CONTEXT,
        help_text="A recommendation, a good practice statement (a minimum standard), a pairing "
        "proposed or studied only in research, or no recommendation.",
    )
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.FOR)
    certainty = models.CharField(
        max_length=20,
        choices=Certainty.choices,
        blank=True,
        help_text="GRADE certainty of the evidence; empty for a good practice statement. The "
        "rules in guidance/grading.py set the highest value allowed.",
    )
    certainty_rationale = models.TextField(
        blank=True,
        help_text="Why the evidence is this certain: the design of the strongest reference, "
        "indirectness (preclinical, another population), a single small study, null results.",
    )
    status = models.CharField(
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        help_text="Drafts are visible only in admin; publishing needs the publish permission.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Who published it; empty for content loaded from the article's fixtures.",
    )

    objects = PublishedGuidanceQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name_plural = "guidance"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PublicationStatus.values),
                name="guidance_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=PublicationStatus.PUBLISHED)
                | models.Q(published_at__isnull=False),
                name="guidance_published_has_date",
                violation_error_message="A published row has a publication date.",
            ),
            models.CheckConstraint(
                condition=models.Q(phase__in=TreatmentPhase.values), name="guidance_phase_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(strength__in=GuidanceStrength.values),
                name="guidance_strength_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values), name="guidance_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values),
                name="guidance_direction_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(certainty="") | models.Q(certainty__in=Certainty.values),
                name="guidance_certainty_valid",
            ),
        ]

    def __str__(self) -> str:
        scope = " + ".join(
            str(part) for part in (self.disorder, self.compound, self.profile_factor) if part
        )
        return f"{self.modality} in {self.get_phase_display().lower()} — {scope or 'general'}"

    @property
    def name(self) -> str:
        """Return a readable name, e.g. 'Motivational enhancement therapy in the integration
        phase, for alcohol use disorder with ketamine'.

        Guidance has no name of its own, yet the API links to a row as every other resource is
        linked to, by slug, name and URL; this is the one place the name is made. It reads the
        modality, disorder, compound and profile factor, which every query for guidance selects.
        """
        return guidance_name(
            self.modality.name,
            self.phase,
            *(
                part.name if part else None
                for part in (self.disorder, self.compound, self.profile_factor)
            ),
        )

    def publish(self, *, reviewer=None) -> None:
        """Mark the row published now, by ``reviewer`` (None for the fixture loader)."""
        self.status = PublicationStatus.PUBLISHED
        self.published_at = timezone.now()
        self.reviewed_by = reviewer

    NEW_ROWS_ARE_LIVE = False  # a new row is a draft until a reviewer publishes it

    @classmethod
    def live_rows(cls) -> models.Q:
        return models.Q(status=PublicationStatus.PUBLISHED)

    def mark_reviewed(self, *, reviewer) -> None:
        """A published row's new version is stamped with its reviewer and date."""
        if self.status == PublicationStatus.PUBLISHED:
            self.publish(reviewer=reviewer)

    def unpublish(self) -> None:
        """Take the row back to draft, out of the API and the plans."""
        self.status = PublicationStatus.DRAFT
        self.published_at = None
        self.reviewed_by = None

    def clean(self) -> None:
        """Check that the modality serves the phase and that the pairing is not already stated."""
        if self.modality_id and self.phase in TreatmentPhase.values:
            if not self.modality.serves(self.phase):
                raise ValidationError(
                    {
                        "phase": f"{self.modality} does not serve the "
                        f"{self.get_phase_display().lower()} phase; it serves "
                        f"{', '.join(self.modality.phases)}."
                    }
                )
            duplicate = Guidance.objects.filter(
                disorder=self.disorder_id,
                compound=self.compound_id,
                profile_factor=self.profile_factor_id,
                modality=self.modality_id,
                phase=self.phase,
            ).exclude(pk=self.pk)
            if duplicate.exists():
                raise ValidationError(
                    f"This pairing is already stated in guidance '{duplicate.first().slug}'; "
                    "edit that row or add your references to it."
                )


class Severity(models.TextChoices):
    """How strongly a safety statement should be brought to a clinician's attention."""

    CRITICAL = "critical", "Critical"
    CAUTION = "caution", "Caution"
    INFO = "info", "Information"


class SafetyKind(models.TextChoices):
    """What a safety statement is; a contraindication decides a plan's verdict."""

    CONTRAINDICATION = "contraindication", "Contraindication"
    PRECAUTION = "precaution", "Precaution"
    STANDARD = "standard", "Minimum standard"
    EVIDENCE_GAP = "evidence_gap", "Gap in the evidence"


class SafetyTrigger(models.TextChoices):
    """When a safety statement applies to a plan."""

    ALWAYS = "always", "Whenever its disorder, compound and profile factor match"
    NO_PAIRING_EVIDENCE = (
        "no_pairing_evidence",
        "Only when no guidance is specific to the disorder and compound",
    )


class SafetyStatement(ContentModel):
    """A cited safety statement, scoped to a disorder, compound or profile factor, or to all."""

    _history_m2m_fields = ["references"]

    STATEMENTS = (Statement("message", "references"),)

    slug = models.SlugField(
        max_length=80, unique=True, help_text="Stable code clients can match on."
    )
    title = models.CharField(max_length=200)
    message = models.TextField()
    kind = models.CharField(
        max_length=20,
        choices=SafetyKind.choices,
        default=SafetyKind.PRECAUTION,
        help_text="A contraindication that applies makes a plan's verdict 'contraindicated'; the "
        "others are shown as warnings.",
    )
    severity = models.CharField(max_length=20, choices=Severity.choices)
    trigger = models.CharField(
        max_length=30, choices=SafetyTrigger.choices, default=SafetyTrigger.ALWAYS
    )
    disorder = models.ForeignKey(
        Disorder, on_delete=models.PROTECT, null=True, blank=True, related_name="safety_statements"
    )
    compound = models.ForeignKey(
        Compound, on_delete=models.PROTECT, null=True, blank=True, related_name="safety_statements"
    )
    compound_class = models.CharField(
        max_length=30,
        choices=CompoundClass.choices,
        blank=True,
        help_text="Applies to every compound of this class (e.g. the classic psychedelics, as "
        "research guidelines for them are scoped); leave empty for any class.",
    )
    profile_factor = models.ForeignKey(
        ProfileFactor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safety_statements",
    )
    references = models.ManyToManyField(Reference, related_name="safety_statements")
    provenance = provenance_field()
    locator = locator_field()

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values),
                name="safetystatement_severity_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(trigger__in=SafetyTrigger.values),
                name="safetystatement_trigger_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(compound_class="")
                | models.Q(compound_class__in=CompoundClass.values),
                name="safetystatement_compound_class_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=SafetyKind.values), name="safetystatement_kind_valid"
            ),
        ]

    def clean(self) -> None:
        """A statement is scoped to one compound or to a class of compounds, not both."""
        if self.compound_id and self.compound_class:
            raise ValidationError(
                {
                    "compound_class": "Leave the class empty when the statement names a "
                    "compound; a class covers every compound of it."
                }
            )

    def __str__(self) -> str:
        return self.title
