"""Admin forms shared by every content model."""

from functools import cache, cached_property

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string

from content.models import statements_of
from content.review import conflict_message, needs_review, pending_revision_by_another

# The fields every content admin form adds to the model's: why, and which version was edited.
REASON_FIELD = "change_reason"
LOCK_FIELD = "based_on_version"
CONTROL_FIELDS = (REASON_FIELD, LOCK_FIELD)


class CitedModelForm(forms.ModelForm):
    """A model form that refuses a statement saved without a reference, or with a provenance and
    locator that misstate who states it.

    Reads the model's ``STATEMENTS``, the same declaration the content loader checks, and runs the
    same check (``settings.CONTENT_STATEMENT_CHECK``), so admin and fixtures enforce one rule.
    """

    def clean(self):
        cleaned = super().clean()
        check = import_string(settings.CONTENT_STATEMENT_CHECK)
        for statement in statements_of(self._meta.model):
            if statement.text not in self.fields or statement.references not in self.fields:
                continue
            text, references = cleaned.get(statement.text), cleaned.get(statement.references)
            if text and not references:
                label = self.fields[statement.text].label or statement.text
                self.add_error(statement.references, f"Cite at least one reference for “{label}”.")
                continue
            if statement.provenance not in self.fields:
                continue
            for problem in check(
                text=text or "",
                provenance=cleaned.get(statement.provenance) or "",
                locator=cleaned.get(statement.locator) or "",
                references=list(references or []),
            ):
                field = statement.provenance if "provenance" in problem else statement.locator
                self.add_error(field if field in self.fields else None, problem)
        return cleaned


class ChangeControl:
    """What every admin form of content adds: the version the editor read (a hidden field), so a
    save over someone else's newer save is refused; and, on the main form, the reason for the
    change, which the history and the reviewer show."""

    ask_reason = True
    # Who is editing (set per request by the admin): an editor whose change will wait for review
    # is told at once when someone else's change to the row is already waiting.
    editor = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = normalized_newlines(self.data)
        instance = self.instance
        historical = getattr(instance, "_history", None)
        if instance.pk is None:
            self.fields[LOCK_FIELD].initial = None
        elif historical is not None:
            # Reverting to an old version: the edit is based on the row as it is now, and the
            # reference lists are the old version's, not the live row's.
            model = type(instance)
            self.fields[LOCK_FIELD].initial = (
                model._default_manager.filter(pk=instance.pk)
                .values_list("lock_version", flat=True)
                .first()
            )
            for field in model._meta.many_to_many:
                if field.name in self.fields and hasattr(historical, field.name):
                    target = f"{field.m2m_reverse_field_name()}_id"
                    self.initial[field.name] = [
                        getattr(row, target) for row in getattr(historical, field.name).all()
                    ]
        else:
            self.fields[LOCK_FIELD].initial = instance.lock_version

    @cached_property
    def content_changed(self) -> list[str]:
        """The model fields the editor changed (the reason and version are not content).

        A revert starts from an old version, so it is compared with the live row instead.
        """
        if getattr(self.instance, "_history", None) is None:
            return [name for name in self.changed_data if name not in CONTROL_FIELDS]
        live = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
        if live is None:  # deleted since: everything is a change, and clean() says why not
            return [name for name in self.fields if name not in CONTROL_FIELDS]
        cleaned = getattr(self, "cleaned_data", {})
        changed = []
        for name in self.fields:
            if name in CONTROL_FIELDS or name not in cleaned:
                continue
            field = live._meta.get_field(name)
            value = cleaned[name]
            if field.many_to_many:
                before = sorted(getattr(live, name).values_list("pk", flat=True))
                after = sorted(row.pk for row in value or [])
            else:
                before = field.value_from_object(live)
                after = getattr(value, "pk", value)
            if before != after:
                changed.append(name)
        return changed

    def clean(self):
        cleaned = super().clean()
        if not self.content_changed:
            return cleaned
        if self.ask_reason and not (cleaned.get(REASON_FIELD) or "").strip():
            self.add_error(
                REASON_FIELD, "Say why you made this change: the history and the reviewer show it."
            )
        if self.instance.pk is not None:
            problem = conflict_message(self._meta.model, self.instance.pk, cleaned.get(LOCK_FIELD))
            if problem:
                raise ValidationError(problem, code="conflict")
            model = self._meta.model
            if self.editor is not None and needs_review(
                user=self.editor, model=model, pk=self.instance.pk
            ):
                waiting = pending_revision_by_another(
                    model=model, pk=self.instance.pk, author=self.editor
                )
                if waiting is not None:
                    raise ValidationError(
                        f"{waiting.author.get_username()}'s change to this "
                        f"{model._meta.verbose_name} is waiting for review (revision "
                        f"{waiting.pk}), so yours would conflict with it and was not saved. Ask "
                        "a reviewer to decide on it first, then make your change again.",
                        code="conflict",
                    )
        return cleaned


def normalized_newlines(data):
    """The posted ``data`` with browsers' CRLF line breaks as the LF the content is stored with,
    so an untouched text area is not a change."""
    if not any("\r" in value for _, values in data.lists() for value in values):
        return data
    copy = data.copy()
    for key, values in data.lists():
        copy.setlist(key, [value.replace("\r\n", "\n").replace("\r", "\n") for value in values])
    return copy


class ReviewedFormSet(forms.BaseInlineFormSet):
    """An inline formset of content rows saved with their page: a change to a row needs the
    page's reason, and deleting a row someone saved since the page was opened is a conflict."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = normalized_newlines(self.data)

    def clean(self):
        super().clean()
        changed = any(form.has_changed() for form in self.forms if form not in self.deleted_forms)
        if (changed or self.deleted_forms) and not (self.data.get(REASON_FIELD) or "").strip():
            raise ValidationError(
                "Say why you made this change (the reason below): the history shows it."
            )
        for form in self.deleted_forms:
            if form.instance.pk is None:
                continue
            posted = form.data.get(form.add_prefix(LOCK_FIELD))
            problem = conflict_message(
                self.model, form.instance.pk, int(posted) if str(posted).isdigit() else None
            )
            if problem:
                raise ValidationError(problem, code="conflict")


@cache
def with_change_control(form: type[forms.ModelForm], *, ask_reason: bool = True):
    """Return ``form`` with the version field and, unless ``ask_reason`` is false (inline rows,
    saved with their page's reason), the reason field."""
    attrs = {
        "ask_reason": ask_reason,
        LOCK_FIELD: forms.IntegerField(required=False, widget=forms.HiddenInput),
    }
    if ask_reason:
        attrs[REASON_FIELD] = forms.CharField(
            label="Reason for this change",
            required=False,
            max_length=500,
            widget=forms.Textarea(attrs={"rows": 2}),
            help_text="Required when you change anything. It is shown in the row's history, and "
            "to the reviewer when your change has to be reviewed before it goes live.",
        )
    return type(form.__name__, (ChangeControl, form), attrs)
