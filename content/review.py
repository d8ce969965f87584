"""Review of changes to live content: who may write directly, revisions, approval, conflicts.

An editor without the publish permission never changes a live row: the change is kept as a
``Revision`` and the public API keeps serving the live row until a reviewer approves it. Every
write made here carries its reason into the row's history and makes exactly one history row,
with the reference lists as saved.
"""

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms import modelform_factory
from django.utils import timezone
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from content.models import (
    HISTORY,
    PUBLISH_PERMISSION,
    ContentModel,
    Revision,
    RevisionStatus,
    statements_of,
)


class ReviewError(Exception):
    """A review action that is not allowed; the message says why, for the reviewer."""


class EditConflict(ReviewError):
    """The row changed since the editor (or the revision's author) read it."""


def can_publish(user: AbstractBaseUser) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def needs_review(*, user: AbstractBaseUser, model: type[ContentModel], pk) -> bool:
    """Whether ``user``'s change to row ``pk`` of ``model`` (None: a new row) must wait for a
    reviewer: it would change what the API serves and the user may not publish."""
    if can_publish(user):
        return False
    if pk is None:
        return model.NEW_ROWS_ARE_LIVE
    return is_live(model, pk)


def is_live(model: type[ContentModel], pk) -> bool:
    """Whether row ``pk`` of ``model`` is one the public API serves."""
    return model._default_manager.filter(model.live_rows(), pk=pk).exists()


def conflict_message(model: type[ContentModel], pk, expected_version: int | None) -> str | None:
    """Return why saving over row ``pk`` read at ``expected_version`` would lose someone's work,
    or None when the row is still at that version. Locks the row until the transaction ends."""
    current = (
        model._default_manager.select_for_update()
        .filter(pk=pk)
        .values_list("lock_version", flat=True)
        .first()
    )
    if current is None:
        return f"This {model._meta.verbose_name} was deleted after you opened it."
    if expected_version == current:
        return None
    latest = model.history.filter(id=pk).select_related("history_user").first()
    by = ""
    if latest is not None:
        who = latest.history_user.get_username() if latest.history_user else "someone"
        by = f" by {who} at {timezone.localtime(latest.history_date):%Y-%m-%d %H:%M:%S}"
    return (
        f"Someone else saved this {model._meta.verbose_name}{by} after you opened it, so your "
        "change was not saved over theirs. Open the page again to see the current version, "
        "then make your change again."
    )


def content_write(
    obj: ContentModel,
    *,
    user: AbstractBaseUser | None,
    reason: str,
    save_m2m: Callable[[], object] | None = None,
    update_fields: list[str] | None = None,
) -> None:
    """Save ``obj`` (only ``update_fields``, when given) and its reference lists as one change:
    one history row, carrying ``reason`` and ``user``, holding the reference lists as saved."""
    created = obj._state.adding
    obj._change_reason = reason
    if user is not None:
        obj._history_user = user
    obj.skip_history_when_saving = True
    try:
        obj.save(update_fields=update_fields)
        if save_m2m is not None:
            save_m2m()
    finally:
        del obj.skip_history_when_saving
    HISTORY.create_historical_record(obj, "+" if created else "~")


# Revisions ---------------------------------------------------------------------------------


def _editable_fields(model: type[models.Model], names) -> list[models.Field]:
    fields = []
    for name in names:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.concrete and field.editable and not field.auto_created:
            fields.append(field)
    return fields


def _plain(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(obj: models.Model, field_names, m2m_values: dict | None = None) -> dict:
    """The values of ``field_names`` of ``obj`` as JSON: related rows by primary key, reference
    lists (from ``m2m_values`` when given, else the stored lists) as sorted primary keys."""
    data = {}
    for field in _editable_fields(type(obj), field_names):
        if field.many_to_many:
            if m2m_values is not None and field.name in m2m_values:
                pks = [getattr(row, "pk", row) for row in m2m_values[field.name]]
            elif obj.pk:
                pks = list(getattr(obj, field.name).values_list("pk", flat=True))
            else:
                pks = []
            data[field.name] = sorted(pks)
        else:
            data[field.name] = _plain(field.value_from_object(obj))
    return data


def revision_propose(
    *,
    obj: ContentModel,
    field_names,
    m2m_values: dict,
    author: AbstractBaseUser,
    reason: str,
    base_version: int | None,
) -> Revision:
    """Keep ``author``'s change to ``obj`` (unsaved, holding the new values) for review."""
    model = type(obj)
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        data=snapshot(obj, field_names, m2m_values),
        base_version=base_version if obj.pk else None,
        reason=reason,
        author=author,
    )


def _target(revision: Revision) -> tuple[type[ContentModel], ContentModel | None]:
    model = revision.content_type.model_class()
    if revision.object_id is None:
        return model, None
    return model, model._default_manager.filter(pk=revision.object_id).first()


def may_approve(revision: Revision, user: AbstractBaseUser) -> bool:
    """Whether ``user`` may approve ``revision`` now (the reason why not: ``_check_reviewer``)."""
    try:
        _check_reviewer(revision, user)
    except ReviewError:
        return False
    return True


def _check_reviewer(revision: Revision, reviewer: AbstractBaseUser) -> None:
    if revision.status != RevisionStatus.PENDING:
        raise ReviewError(f"This revision is already {revision.get_status_display().lower()}.")
    if not can_publish(reviewer):
        raise ReviewError("Only a reviewer with the publish permission can decide on revisions.")
    if revision.author_id == reviewer.pk and not settings.CONTENT_REVIEW_ALLOW_SELF_APPROVAL:
        raise ReviewError(
            "You wrote this revision, so another reviewer must decide on it (four eyes). A "
            "one-person team can allow self-approval with CONTENT_REVIEW_ALLOW_SELF_APPROVAL=1."
        )


@transaction.atomic
def revision_approve(
    *,
    revision: Revision,
    reviewer: AbstractBaseUser,
    note: str = "",
    form: type[forms.ModelForm] = forms.ModelForm,
) -> ContentModel:
    """Write the revision to its row (creating it for a proposed new row), as one change whose
    history names the author and the reviewer.

    Refused (``EditConflict``) if the row changed since the revision was made; refused
    (``ValidationError``) if the proposed values no longer pass ``form``, the rules admin checks
    (a cited reference deleted meanwhile, say).
    """
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    _check_reviewer(revision, reviewer)
    model = revision.content_type.model_class()
    if revision.object_id is not None:
        # Locks the row, then reads it: nothing can change it between the check and the write.
        problem = conflict_message(model, revision.object_id, revision.base_version)
        if problem:
            raise EditConflict(
                "The live row has changed since this revision was made (or was deleted), so "
                "approving it would undo that change. Reject it and ask the author to edit the "
                "current version."
            )
        obj = model._default_manager.get(pk=revision.object_id)
    else:
        obj = model()
    # The proposed fields, with every cited statement whole (its text, references, provenance
    # and locator, the live values where not proposed), so the rules that read them together run.
    names = list(revision.data)
    for statement in statements_of(model):
        names += [statement.text, statement.references, statement.provenance, statement.locator]
    names = [field.name for field in _editable_fields(model, dict.fromkeys(names))]
    data = {**snapshot(obj, names), **revision.data}
    bound = modelform_factory(model, form=form, fields=names, formfield_callback=_formfield)(
        data={name: _form_value(data[name]) for name in names}, instance=obj
    )
    if not bound.is_valid():
        raise ValidationError(
            [
                f"{bound.fields[name].label if name in bound.fields else name}: {message}"
                for name, messages in bound.errors.items()
                for message in messages
            ]
        )
    obj = bound.save(commit=False)
    obj.mark_reviewed(reviewer=reviewer)
    content_write(
        obj,
        user=revision.author,
        reason=f"{revision.reason} (revision {revision.pk}, approved by {reviewer.get_username()})",
        save_m2m=bound.save_m2m,
    )
    revision.status = RevisionStatus.APPROVED
    revision.decided_by, revision.decided_at, revision.decision_note = (
        reviewer,
        timezone.now(),
        note,
    )
    if revision.object_id is None:
        revision.object_id = obj.pk
    revision.save()
    return obj


def _formfield(field: models.Field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")  # as admin's forms (ContentAdmin)
    return field.formfield(**kwargs)


def _form_value(value):
    """A stored proposed value as a form's data: empty for None, lists and the rest as they are."""
    return "" if value is None else value


def pending_revisions(model: type[ContentModel], pk):
    """The revisions of row ``pk`` waiting for review, with their authors."""
    return Revision.objects.filter(
        content_type=ContentType.objects.get_for_model(model),
        object_id=pk,
        status=RevisionStatus.PENDING,
    ).select_related("author")


def pending_revision_by_another(
    *, model: type[ContentModel], pk, author: AbstractBaseUser
) -> Revision | None:
    """A revision of row ``pk`` waiting for review, by someone other than ``author``."""
    return pending_revisions(model, pk).exclude(author=author).first()


@transaction.atomic
def revision_reject(*, revision: Revision, reviewer: AbstractBaseUser, note: str) -> None:
    """Close the revision without changing the row; ``note`` tells the author why."""
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != RevisionStatus.PENDING:
        raise ReviewError(f"This revision is already {revision.get_status_display().lower()}.")
    if not can_publish(reviewer) and revision.author_id != reviewer.pk:
        raise ReviewError("Only a reviewer or the revision's author can reject it.")
    revision.status = RevisionStatus.REJECTED
    revision.decided_by, revision.decided_at, revision.decision_note = (
        reviewer,
        timezone.now(),
        note,
    )
    revision.save()


# The reviewer's diff ------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    label: str
    live: str
    proposed: str
    diff: SafeString


def _display(field: models.Field, value) -> str:
    if value in (None, "", []):
        return ""
    if field.many_to_many or field.many_to_one or field.one_to_one:
        related = field.related_model._default_manager.in_bulk(
            value if isinstance(value, list) else [value]
        )
        keys = value if isinstance(value, list) else [value]
        return "\n".join(str(related.get(key, f"(deleted row {key})")) for key in keys)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _word_diff(live: str, proposed: str) -> SafeString:
    """``live`` to ``proposed`` word by word: removed words in <del>, added words in <ins>."""
    before, after = live.split(" "), proposed.split(" ")
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(" ".join(before[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(' '.join(before[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(' '.join(after[b1:b2]))}</ins>")
    return mark_safe(" ".join(parts))


def revision_changes(revision: Revision) -> list[FieldChange]:
    """What approving the revision would change, field by field, against the live row now."""
    model, obj = _target(revision)
    live = snapshot(obj, revision.data) if obj is not None else {}
    changes = []
    for field in _editable_fields(model, revision.data):
        before = live.get(field.name)
        after = revision.data[field.name]
        if before == after:
            continue
        shown_before, shown_after = _display(field, before), _display(field, after)
        changes.append(
            FieldChange(
                label=str(field.verbose_name).capitalize(),
                live=shown_before,
                proposed=shown_after,
                diff=_line_diff(shown_before, shown_after)
                if field.many_to_many
                else _word_diff(shown_before, shown_after),
            )
        )
    return changes


def _line_diff(live: str, proposed: str) -> SafeString:
    """Lists (of references) line by line: removed lines struck out, added lines marked."""
    before, after = live.splitlines(), proposed.splitlines()
    rows = [("del", line) for line in before if line not in after]
    rows += [("ins", line) for line in after if line not in before]
    rows += [("span", line) for line in after if line in before]
    return format_html_join(mark_safe("<br>"), "<{0}>{1}</{0}>", rows)
