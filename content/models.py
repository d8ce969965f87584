"""The base of every content model, who says each statement, and what the loader wrote."""

from dataclasses import dataclass

from django.db import models
from simple_history.models import HistoricalRecords


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

    Also records when each row was created and last changed.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who changed what and when, for every content model, with the reference lists each model
    # names in _history_m2m_fields; admin shows it on each object's page and can revert.
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


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


def valid_slugs(model: type[models.Model]) -> list[str]:
    """Return every slug of ``model``, sorted: the valid choices an error message lists.

    The one place the service lists valid slugs, for filters, the recommendation query, the loader
    and the OpenAPI document alike.
    """
    return list(model.objects.order_by("slug").values_list("slug", flat=True))
