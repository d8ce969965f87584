"""Which rows of a content model changed after a content version, as they were and as they are.

content.versioning dates every history row by a version made under the version lock, so the
history rows written after a version are exactly those dated after its time. For each row with
such history this module gives its state at that version (its latest history row dated at or
before it), its state now, and whether the public could see it then and now. Which resources a
client must fetch again because of it is the API's business (api.sync).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Case, Exists, Max, OuterRef, Value, When

from content.models import ContentModel

DELETED = "-"  # simple-history's history_type of a deletion


@dataclass(frozen=True)
class RowChange:
    """One row with history after the version: what it was then, what it is now."""

    pk: int
    before: ContentModel | None
    """The row as it was at the version; None if it did not exist. When the row has no history
    up to the version (it was written without history: bulk writes), its earliest known state."""
    after: ContentModel | None
    """The row as it is now; None if it was deleted."""
    was_live: bool
    """Whether the public could see it at the version (assumed so for a row without history)."""
    is_live: bool
    changed_at: datetime
    """When it was last written."""


def rows_changed_since(
    model: type[ContentModel], since: datetime, live: models.QuerySet | None = None
) -> list[RowChange]:
    """Return every row of ``model`` written after ``since``, in three queries whatever their
    number. ``live`` is the rows the public sees now (default: ``model.live_rows()``); a row's
    visibility at ``since`` is judged by ``model.live_rows()`` on its history row."""
    history = model.history.model._default_manager
    live = model._default_manager.filter(model.live_rows()) if live is None else live
    written = history.filter(history_date__gt=since)
    latest = {
        record.id: record
        for record in history.filter(history_id__in=_last_of_each(written)).order_by()
    }
    if not latest:
        return []
    before = {
        record.id: record
        for record in history.filter(
            history_id__in=_last_of_each(
                history.filter(id__in=written.values("id"), history_date__lte=since)
            )
        )
        .annotate(_live=_matches(model.live_rows()))
        .order_by()
    }
    after = {
        row.pk: row
        for row in model._default_manager.filter(pk__in=written.values("id"))
        .annotate(_live=Exists(live.filter(pk=OuterRef("pk"))))
        .order_by()
    }
    changes = []
    for pk, last in latest.items():
        then, now = before.get(pk), after.get(pk)
        if then is not None:
            existed = then.history_type != DELETED
            was, was_live = (then.instance if existed else None), existed and then._live
        elif last.created_at <= since:  # it existed, but its history starts later
            was, was_live = (now if now is not None else last.instance), True
        else:
            was, was_live = None, False
        changes.append(
            RowChange(
                pk=pk,
                before=was,
                after=now,
                was_live=was_live,
                is_live=bool(now is not None and now._live),
                changed_at=last.history_date,
            )
        )
    return changes


def _last_of_each(records: models.QuerySet) -> models.QuerySet:
    """The id of each row's latest history row among ``records`` (a subquery)."""
    return records.order_by().values("id").annotate(last=Max("history_id")).values("last")


def _matches(condition: models.Q) -> models.Expression:
    """Whether a row matches ``condition``, as an annotation (an empty condition matches all)."""
    if not condition:
        return Value(True)
    return Case(When(condition, then=Value(True)), default=Value(False))
