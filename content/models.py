"""The base of every content model, who says each statement, and what the loader wrote."""

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from simple_history.models import HistoricalRecords

# Who may make content live: change published rows directly, and approve others' revisions.
PUBLISH_PERMISSION = "content.publish_content"

# The reason for the writes under way, for history rows of rows written as a side effect (rows
# deleted with another); a row's own reason (``_change_reason``) comes first.
CHANGE_REASON: ContextVar[str] = ContextVar("content_change_reason", default="")
NO_REASON = "No reason recorded (changed outside admin and the content loader)"


class ReasonedHistoricalRecords(HistoricalRecords):
    """simple-history's tracker, with a reason on every history row."""

    def get_change_reason_for_object(self, instance, history_type, using):
        reason = super().get_change_reason_for_object(instance, history_type, using)
        return reason or CHANGE_REASON.get() or NO_REASON


# The one history tracker of every content model (see content.review.content_write, which asks it
# for one history row per save, after the reference lists are saved too).
HISTORY = ReasonedHistoricalRecords(inherit=True)


class Provenance(models.TextChoices):
    """Who says a statement: the source article, one of its cited papers, or an editor."""

    ARTICLE = "article", "The article states it"
    CITED_SOURCE = "cited_source", "A cited reference states it; the article does not"
    EDITORIAL = "editorial", "An editor's inference, not stated by any source"


@dataclass(frozen=True)
class Statement:
    """A cited text field of a content model and the fields that say who states it and where.

    ``prefix`` names the provenance and locator fields: none for a model's main statement
    (``provenance``, ``locator``), e.g. ``plasticity`` for ``plasticity_provenance``.
    """

    text: str
    references: str
    prefix: str = ""

    @property
    def provenance(self) -> str:
        return f"{self.prefix}_provenance" if self.prefix else "provenance"

    @property
    def locator(self) -> str:
        return f"{self.prefix}_locator" if self.prefix else "locator"


def statements_of(model) -> tuple[Statement, ...]:
    """Return the cited statements a model declares (``STATEMENTS``), none for other models."""
    return getattr(model, "STATEMENTS", ())


def provenance_field() -> models.CharField:
    """Who states the statement; empty only while its text is empty."""
    return models.CharField(
        max_length=20,
        choices=Provenance.choices,
        blank=True,
        help_text="Who states it: the article, a cited reference (not the article), or an "
        "editor's inference.",
    )


def locator_field() -> models.TextField:
    """Where the statement is stated, one item per line."""
    return models.TextField(
        blank=True,
        help_text="Where it is stated, one item per line. Article: its sentences, verbatim. "
        "Cited source: '[N] the part of reference N that supports it' (its title or a summary "
        "line). Editorial: the reasoning.",
    )


class ContentModel(models.Model):
    """Abstract base for the service's content: every save or delete changes the content version.

    Also records when each row was created and last changed, and counts its saves
    (``lock_version``) so that an edit made from a stale copy is refused, not saved over another.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    lock_version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one on every save; an edit based on an older number is a conflict.",
    )
    # Who changed what and when, for every content model, with the reference lists each model
    # names in _history_m2m_fields; admin shows it on each object's page and can revert.
    history = HISTORY

    # Whether a row added by an editor without the publish permission would be public at once
    # (and so waits for review as a revision). Models with a draft status of their own say False.
    NEW_ROWS_ARE_LIVE = True

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.lock_version = (self.lock_version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "lock_version"}
        super().save(*args, **kwargs)

    @classmethod
    def live_rows(cls) -> models.Q:
        """The rows the public API serves; a change to one of them needs a reviewer."""
        return models.Q()

    def mark_reviewed(self, *, reviewer) -> None:
        """Record that ``reviewer`` (with the publish permission) made this version live; models
        that show their reviewer override it."""


class LoadedEntry(models.Model):
    """The fingerprint of one fixture entry as the loader last wrote it.

    When a row's current fingerprint differs from this one, somebody changed the row after the
    load (an editor in admin), and the loader leaves it alone unless told to overwrite.
    """

    model = models.CharField(
        max_length=100, help_text="App label and model, e.g. compounds.compound."
    )
    key = models.CharField(max_length=255, help_text="The entry's natural key, e.g. slug=ketamine.")
    fingerprint = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "loaded entries"
        ordering = ["model", "key"]
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="loadedentry_unique_model_key"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.key}"


class ContentVersion(models.Model):
    """The single row whose token changes on every content write (see content.signals).

    Anything derived from content (cached responses, ETags, the meta endpoint) keys on the token,
    so every process sees a change on its next request.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


class ContentVersionLog(models.Model):
    """Every content version there has been, and when it became current (see content.versioning).

    A client syncing a local copy names the version it has; this log says when that version was
    current, and the content history says what changed after it (content.sync). One row per
    version, kept as long as the history it indexes; a version missing here (from before the log
    existed) cannot be synced from, only downloaded again.
    """

    token = models.CharField(max_length=32, unique=True)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.token} ({self.changed_at:%Y-%m-%d %H:%M:%S})"


def valid_slugs(model: type[models.Model]) -> list[str]:
    """Return every slug of ``model``, sorted: the valid choices an error message lists.

    The one place the service lists valid slugs, for filters, the recommendation query, the loader
    and the OpenAPI document alike.
    """
    return list(model.objects.order_by("slug").values_list("slug", flat=True))


class RevisionStatus(models.TextChoices):
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved and live"
    REJECTED = "rejected", "Rejected"


class Revision(models.Model):
    """A change to live content proposed by an editor without the publish permission.

    The public API keeps serving the live row until a reviewer, who is not the author, approves
    the revision; approving writes ``data`` to the row (or creates it, when ``object_id`` is
    empty). ``base_version`` is the row's ``lock_version`` the author edited, so a revision made
    from a copy that has changed since cannot be approved over the newer text.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The row it changes; empty for a proposed new row."
    )
    object_repr = models.CharField("row", max_length=200)
    data = models.JSONField(
        help_text="The proposed values of the form's fields; reference lists as primary keys."
    )
    base_version = models.PositiveIntegerField(null=True, blank=True)
    reason = models.TextField(help_text="Why the author made the change.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="content_revisions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=RevisionStatus.choices, default=RevisionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [
            (
                "publish_content",
                "Can publish content: change live rows directly and approve revisions",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RevisionStatus.values),
                name="revision_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "status"])]

    def __str__(self) -> str:
        return f"Revision {self.pk} of {self.content_type.name} “{self.object_repr}”"
