"""What an app needs to keep a local copy of the content: everything once, then what changed.

**Export.** Every row each resource's list serves, in the resource's detail shape (its viewset's
own detail queryset and serializer, so the export follows them), keyed per resource by what its
detail URL takes (a slug; for references the seed number, else the DOI). The export is stamped
with the content version read *before* the content, so a write that lands while it is being
built is listed again by the next sync rather than lost.

**Changes since a version.** Read from the content history (content.sync), as the public API
shows rows: a row the public saw at that version and sees now is ``changed``, one it sees only
now ``created`` (a new row, a draft published since), one it saw only then ``removed`` (deleted,
unpublished); a row whose key changed is ``removed`` under the old key and ``created`` under the
new. Drafts and revisions waiting for review never appear. A detail also shows parts of other
rows, so a row is ``changed`` too when what its detail shows of another row changed:

- rows shown inside another row's detail (``SHOWN_INSIDE``: guidance inside its disorder, modality
  and profile factor; a compound's link to a mechanism inside both; a disorder among its parent's
  subtypes) change that detail when they change, appear or leave;
- the link to a row, or a reference's citation (``LINKS``), changes every detail that shows it:
  the rows whose foreign keys or reference lists name it.

Removals come first, then the rest by time: a client that deletes what is ``removed`` and fetches
and stores (upserts) the ``url`` of everything else, in order, ends with exactly the content of
the current version.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db import models
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.reverse import reverse

from api.serializers.common import (
    CitationSerializer,
    CompoundLinkSerializer,
    DisorderLinkSerializer,
    MechanismLinkSerializer,
    MedicationClassLinkSerializer,
    ModalityLinkSerializer,
    ProfileFactorLinkSerializer,
)
from api.views.base import ContentViewSet
from compounds.models import Compound, CompoundCode, CompoundMechanism, Mechanism
from content.models import ContentModel
from content.notices import DISCLAIMER, SOURCE
from content.sync import RowChange, rows_changed_since
from content.versioning import Version, content_version_find, content_version_get
from disorders.models import Disorder, DisorderCode, ProfileFactor
from evidence.models import Reference
from guidance.models import Guidance
from medications.models import Medication, MedicationClass
from modalities.models import Modality

CREATED, CHANGED, REMOVED = "created", "changed", "removed"
ACTIONS = {
    CREATED: "The public sees it now and did not at that version (new, or a draft published "
    "since): fetch `url` and store it.",
    CHANGED: "Its detail changed (or something its detail shows of another row): fetch `url` "
    "and store it in place of your copy.",
    REMOVED: "The public no longer sees it (deleted, unpublished, or its key changed): delete "
    "your copy; `url` is null.",
}

# How a row is shown inside other rows' details, where that is less than its own detail: a link
# (slug, name, URL), or a reference's citation. The serializers themselves, so this follows them.
LINKS: dict[type[ContentModel], type[serializers.Serializer]] = {
    Compound: CompoundLinkSerializer,
    Mechanism: MechanismLinkSerializer,
    Disorder: DisorderLinkSerializer,
    Modality: ModalityLinkSerializer,
    ProfileFactor: ProfileFactorLinkSerializer,
    Reference: CitationSerializer,
    MedicationClass: MedicationClassLinkSerializer,
}
# Rows shown inside the detail of the row one of their foreign keys names: in full, or as their
# link where LINKS has one.
SHOWN_INSIDE: list[tuple[type[ContentModel], str]] = [
    (Guidance, "disorder"),
    (Guidance, "modality"),
    (Guidance, "profile_factor"),
    (CompoundMechanism, "compound"),
    (CompoundMechanism, "mechanism"),
    (Disorder, "parent"),
    (Medication, "medication_class"),
    (CompoundCode, "compound"),
    (DisorderCode, "disorder"),
]


@dataclass(frozen=True)
class Resource:
    """A resource on the API's router, as the export and the changes show it."""

    name: str
    viewset: type[ContentViewSet]
    basename: str

    @property
    def model(self) -> type[ContentModel]:
        return self.viewset.queryset.model

    def rows(self) -> models.QuerySet:
        """The rows its list serves."""
        return self.viewset(action="list").get_queryset()

    def detail_rows(self) -> models.QuerySet:
        """The rows its details serve, fetched as a detail fetches them."""
        return self.viewset(action="retrieve").get_queryset()

    def detail_serializer_class(self) -> type[serializers.Serializer]:
        return self.viewset(action="retrieve").get_serializer_class()

    def key(self, row: ContentModel) -> str:
        """What its detail URL takes for ``row``: the slug, or a reference's seed number or DOI."""
        return str(getattr(row, self.viewset.lookup_field))

    def url_field(self, request: Request | None) -> serializers.Field:
        """The resource's own ``url`` field, bound: the link its lists give each row."""
        return self.viewset.serializer_class(context={"request": request}).fields["url"]


def resources() -> list[Resource]:
    """Every resource registered on the API's router, in the router's order."""
    from api.urls import router  # the URLconf imports the views that import this module

    return [Resource(prefix, viewset, basename) for prefix, viewset, basename in router.registry]


# --- Export -----------------------------------------------------------------------------------


def export_document(request: Request) -> dict:
    """Every row the API serves, per resource and key, with the version, source and disclaimer.

    Rows are model instances from each resource's detail queryset, for ExportSerializer to show.
    """
    version = content_version_get()
    document = {
        "content_version": version.token,
        "content_changed_at": version.changed_at,
        "source": {
            **SOURCE,
            "url": reverse("reference-detail", kwargs={"key": SOURCE["doi"]}, request=request),
        },
        "disclaimer": DISCLAIMER,
    }
    for resource in resources():
        document[resource.name] = {resource.key(row): row for row in resource.detail_rows()}
    return document


# --- Changes ----------------------------------------------------------------------------------


class UnknownVersion(LookupError):
    """A version that is not in the log: never one, or older than the log."""


@dataclass(frozen=True)
class Change:
    """One row a client must delete or fetch again."""

    resource: Resource
    key: str
    action: str
    changed_at: datetime
    row: ContentModel | None  # as it is now; None when removed


@dataclass(frozen=True)
class Changes:
    since: Version
    current: Version
    changes: list[Change]


def changes_since(token: str) -> Changes:
    """What a client holding the content of version ``token`` must delete or fetch again to hold
    the current version's; in a fixed number of queries, whatever the amount of content."""
    since = content_version_find(token)
    if since is None:
        raise UnknownVersion(token)
    # Read before the history: a write committed while this runs is dated after this version,
    # so if it is not in this answer it is in the next sync's (at worst it is in both).
    current = content_version_get()
    if current.token == since.token:
        return Changes(since, current, [])
    by_model = {resource.model: resource for resource in resources()}
    tracked = dict.fromkeys([*by_model, *(model for model, _ in SHOWN_INSIDE)])
    written = {
        model: rows_changed_since(
            model, since.changed_at, by_model[model].rows() if model in by_model else None
        )
        for model in tracked
    }
    shown = _showing_changed_rows(written)
    return Changes(since, current, _changes(by_model, written, shown))


Touched = dict[type[ContentModel], dict[int, datetime]]


def _showing_changed_rows(written: dict[type[ContentModel], list[RowChange]]) -> Touched:
    """The rows whose details show something of a row written since (and when it was written)."""
    touched: Touched = defaultdict(dict)

    def touch(model: type[ContentModel], pk: int | None, when: datetime) -> None:
        if pk is not None:
            touched[model][pk] = max(when, touched[model].get(pk, when))

    # Details that show a row's link or citation, where that link or citation changed.
    for model, changes in written.items():
        if model not in LINKS:
            continue
        relinked = {
            change.pk: change.changed_at
            for change in changes
            if change.before is not None
            and change.after is not None
            and _link(model, change.before) != _link(model, change.after)
        }
        deleted = {
            change.pk: change.changed_at
            for change in changes
            if change.before is not None and change.after is None
        }
        for holder in written:
            for field in _fields_naming(holder, model):
                for holder_pk, pk in _holders(holder, field, relinked, deleted):
                    touch(holder, holder_pk, relinked.get(pk) or deleted[pk])

    # Details that show a row inside them, where that row changed, appeared or left.
    for model, field_name in SHOWN_INSIDE:
        field = model._meta.get_field(field_name)
        target = field.related_model
        for change in written[model]:
            old = field.value_from_object(change.before) if change.was_live else None
            new = field.value_from_object(change.after) if change.is_live else None
            if (
                model in LINKS
                and old == new
                and (old is None or _link(model, change.before) == _link(model, change.after))
            ):
                continue  # its link is all the container shows, and it did not change
            touch(target, old, change.changed_at)
            touch(target, new, change.changed_at)
        if model in LINKS:
            continue
        # Shown in full: what changed in it because of a third row shows in its container too.
        inside = {pk: when for pk, when in touched[model].items()}
        rows = model._default_manager.filter(model.live_rows(), pk__in=inside)
        for pk, target_pk in rows.values_list("pk", field.attname):
            touch(target, target_pk, inside[pk])
    return touched


def _link(model: type[ContentModel], row: ContentModel) -> dict:
    """How other rows' details show ``row`` (URLs relative, so both sides compare alike)."""
    return LINKS[model](row, context={"request": None}).data


def _fields_naming(holder: type[ContentModel], model: type[ContentModel]) -> list[models.Field]:
    """The foreign keys and reference lists of ``holder`` that name rows of ``model``."""
    return [
        field
        for field in [*holder._meta.concrete_fields, *holder._meta.many_to_many]
        if field.is_relation
        and field.related_model is model
        and (not field.many_to_many or field.remote_field.through._meta.auto_created)
    ]


def _holders(
    holder: type[ContentModel],
    field: models.Field,
    relinked: dict[int, datetime],
    deleted: dict[int, datetime],
) -> list[tuple[int, int]]:
    """(holder pk, named pk) for the ``holder`` rows whose ``field`` names a relinked row, or
    (reference lists) named a deleted one: deleting a row empties the lists naming it without
    writing their history, so their history's copies of the list tell."""
    found: list[tuple[int, int]] = []
    if not field.many_to_many:
        if relinked:  # a deleted row is never named (protected, or its holders deleted too)
            rows = holder._default_manager.filter(**{f"{field.attname}__in": list(relinked)})
            found += rows.values_list("pk", field.attname)
        return found
    source, named = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    if relinked:
        through = field.remote_field.through._default_manager
        found += through.filter(**{f"{named}__in": list(relinked)}).values_list(source, named)
    if deleted:
        history = holder.history.model
        copies = apps.get_model(history._meta.app_label, f"{history.__name__}_{field.name}")
        rows = copies._default_manager.filter(**{f"{named}__in": list(deleted)})
        found += rows.values_list(source, named).distinct()
    return found


def _changes(
    by_model: dict[type[ContentModel], Resource],
    written: dict[type[ContentModel], list[RowChange]],
    touched: Touched,
) -> list[Change]:
    """The entries a client applies: removals first, then the rest by time."""
    changes: list[Change] = []
    for model, resource in by_model.items():
        direct = {change.pk: change for change in written[model]}
        for change in direct.values():
            old = resource.key(change.before) if change.was_live else None
            new = resource.key(change.after) if change.is_live else None
            when = max(change.changed_at, touched[model].get(change.pk, change.changed_at))
            if old is not None and old != new:
                changes.append(Change(resource, old, REMOVED, change.changed_at, None))
            if new is not None:
                action = CHANGED if old == new else CREATED
                changes.append(Change(resource, new, action, when, change.after))
        others = {pk: when for pk, when in touched[model].items() if pk not in direct}
        if others:
            for row in resource.rows().filter(pk__in=others):
                changes.append(Change(resource, resource.key(row), CHANGED, others[row.pk], row))
    changes.sort(key=lambda c: (c.action != REMOVED, c.changed_at, c.resource.name, c.key))
    return changes
