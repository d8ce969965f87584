"""Admin for the loader's bookkeeping (read only), revisions and their review, and the base class
of every content admin."""

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from content.forms import (
    CONTROL_FIELDS,
    LOCK_FIELD,
    REASON_FIELD,
    CitedModelForm,
    ReviewedFormSet,
    with_change_control,
)
from content.models import CHANGE_REASON, LoadedEntry, Revision, RevisionStatus
from content.review import (
    ReviewError,
    can_publish,
    content_write,
    is_live,
    may_approve,
    needs_review,
    pending_revisions,
    revision_approve,
    revision_changes,
    revision_propose,
    revision_reject,
)


def _saved(form) -> None:
    """Make the admin's later call to ``form.save_m2m()`` do nothing: the lists are saved (or
    kept in a revision) already."""
    form.save_m2m = lambda: None


class ContentAdmin(SimpleHistoryAdmin):
    """Base admin for content: cited-statement validation, timestamps read only, the object's
    history (who changed what, when and why, with revert) one click away, and review.

    Every save asks for a reason and refuses to overwrite a newer save (``content.forms``). A
    change by an editor without the publish permission to a row the API serves is kept as a
    revision for a reviewer (``content.review``); the API keeps serving the live row.
    """

    form = CitedModelForm
    readonly_fields = ("created_at", "updated_at")
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_form_template = "admin/content/content_change_form.html"

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = with_change_control(kwargs.get("form", self.form))
        kwargs["form"] = type(form.__name__, (form,), {"editor": request.user})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in CONTROL_FIELDS]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        editable = (
            self.has_change_permission(request, obj)
            if obj is not None
            else self.has_add_permission(request)
        )
        if editable:
            fieldsets.append(("Your change", {"fields": CONTROL_FIELDS}))
        return fieldsets

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None:
            return can_publish(request.user)
        return not needs_review(user=request.user, model=type(obj), pk=obj.pk)

    # Saving ---------------------------------------------------------------------------------

    def delete_model(self, request, obj):
        # The reason reaches the rows deleted with this one (a mechanism's links, say) too.
        reason = f"Deleted in admin by {request.user.get_username()}"
        obj._change_reason = reason
        token = CHANGE_REASON.set(reason)
        try:
            super().delete_model(request, obj)
        finally:
            CHANGE_REASON.reset(token)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_model(self, request, obj, form, change):
        reason = (form.cleaned_data.get(REASON_FIELD) or "").strip()
        revert = getattr(request, "_content_revert", None)
        if revert is not None:
            when = timezone.localtime(revert.history_date)
            reason = (
                f"Revert to the version of {when:%Y-%m-%d %H:%M:%S} "
                f"(history {revert.history_id}). {reason}"
            ).strip()
        request._content_reason = reason
        if change and not form.content_changed:
            request._content_unchanged = True
            _saved(form)
            return
        if needs_review(user=request.user, model=type(obj), pk=obj.pk if change else None):
            request._content_revision = revision_propose(
                obj=obj,
                field_names=[name for name in form.fields if name not in CONTROL_FIELDS],
                m2m_values={
                    field.name: form.cleaned_data[field.name]
                    for field in obj._meta.many_to_many
                    if field.name in form.cleaned_data
                },
                author=request.user,
                reason=reason,
                base_version=form.cleaned_data.get(LOCK_FIELD),
            )
            _saved(form)
            return
        if change:
            # The version the form was checked against (under a row lock), not the one the
            # instance came with (a reverted instance carries its old version).
            obj.lock_version = form.cleaned_data[LOCK_FIELD]
            if is_live(type(obj), obj.pk):
                obj.mark_reviewed(reviewer=request.user)
        content_write(obj, user=request.user, reason=reason, save_m2m=form.save_m2m)
        _saved(form)

    def save_related(self, request, form, formsets, change):
        if getattr(request, "_content_revision", None) is not None:
            for formset in formsets:  # nothing of the page is saved; say so to the change log
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_related(request, form, formsets, change)

    def save_formset(self, request, form, formset, change):
        reason = getattr(request, "_content_reason", "")
        formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj._change_reason = reason
            obj.delete()
        for inline_form in formset.saved_forms:
            content_write(
                inline_form.instance,
                user=request.user,
                reason=reason,
                save_m2m=inline_form.save_m2m,
            )
        if formset.saved_forms or formset.deleted_objects:
            request._content_unchanged = False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # One transaction, as admin's own change view: the version check locks the row.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return self._history_form_view(request, object_id, version_id, extra_context)

    def _history_form_view(self, request, object_id, version_id, extra_context):
        if request.method == "POST":
            # Reverting is changing: simple-history lets anyone who may view the history post.
            live = self.model._default_manager.filter(pk=object_id).first()
            if not self.has_change_permission(request, live):
                raise PermissionDenied
            request._content_revert = self.model.history.filter(history_id=version_id).first()
        return super().history_form_view(request, object_id, version_id, extra_context)

    def log_addition(self, request, obj, message):
        if getattr(request, "_content_revision", None) is None:
            return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        if getattr(request, "_content_revision", None) is None and not getattr(
            request, "_content_unchanged", False
        ):
            return super().log_change(request, obj, message)

    def _revision_response(self, request, revision: Revision):
        if IS_POPUP_VAR in request.POST:
            # An add from a "+" button: there is no row to hand back to the page that opened it.
            return TemplateResponse(
                request, "admin/content/revision/popup_pending.html", {"revision": revision}
            )
        self.message_user(
            request,
            format_html(
                "Your change is waiting for review as <a href='{}'>revision {}</a>. The API "
                "keeps serving the published version until a reviewer approves it.",
                reverse("admin:content_revision_change", args=[revision.pk]),
                revision.pk,
            ),
            messages.WARNING,
        )
        if revision.object_id is not None:
            return HttpResponseRedirect(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                    args=[revision.object_id],
                )
            )
        return HttpResponseRedirect(reverse("admin:content_revision_change", args=[revision.pk]))

    def response_add(self, request, obj, post_url_continue=None):
        revision = getattr(request, "_content_revision", None)
        if revision is not None:
            return self._revision_response(request, revision)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        revision = getattr(request, "_content_revision", None)
        if revision is not None:
            return self._revision_response(request, revision)
        if getattr(request, "_content_unchanged", False):
            self.message_user(request, "Nothing was changed, so nothing was saved.", messages.INFO)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "pending_revisions": pending_revisions(self.model, object_id)
            if str(object_id).isdigit()
            else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)


class ReviewedInline:
    """An inline of content rows: editable, with the version check, by editors who may publish;
    read only, with a link to each row's own page (where changes go to review), for others."""

    show_change_link = True
    formset = ReviewedFormSet

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = with_change_control(kwargs.get("form", self.form), ask_reason=False)
        return super().get_formset(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if LOCK_FIELD not in flatten_fieldsets(fieldsets):
            name, options = fieldsets[-1]
            fieldsets[-1] = (name, {**options, "fields": (*options["fields"], LOCK_FIELD)})
        return fieldsets

    def has_add_permission(self, request, obj=None):
        return can_publish(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return can_publish(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_publish(request.user) and super().has_delete_permission(request, obj)


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    """Revisions waiting for review, and the decisions made. A revision is never edited: its
    page shows the diff against the live row, with Approve and Reject for a reviewer."""

    list_display = ("__str__", "status", "author", "created_at", "decided_by", "decided_at")
    list_filter = ("status", "content_type")
    list_select_related = ("content_type", "author", "decided_by")
    search_fields = ("object_repr", "reason")
    review_template = "admin/content/revision/review.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Editors see the revisions (their own and others'); reviewers decide on them.
        return request.user.is_active and request.user.has_perm("content.view_revision")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        revision = self.get_object(request, object_id)
        if revision is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, revision):
            raise PermissionDenied
        if request.method == "POST":
            return self._decide(request, revision)
        model = revision.content_type.model_class()
        own = revision.author_id == request.user.pk
        context = {
            **self.admin_site.each_context(request),
            "title": str(revision),
            "opts": self.opts,
            "revision": revision,
            "changes": revision_changes(revision),
            "target_url": reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                args=[revision.object_id],
            )
            if revision.object_id
            else None,
            "can_decide": may_approve(revision, request.user),
            "can_withdraw": revision.status == RevisionStatus.PENDING and own,
            "own": own,
        }
        return TemplateResponse(request, self.review_template, context)

    def _decide(self, request, revision: Revision):
        note = request.POST.get("note", "").strip()
        try:
            if "_approve" in request.POST:
                model = revision.content_type.model_class()
                model_admin = self.admin_site._registry.get(model)
                revision_approve(
                    revision=revision,
                    reviewer=request.user,
                    note=note,
                    # The rules the row's own admin page checks (citations, grading).
                    form=model_admin.form if model_admin else CitedModelForm,
                )
                self.message_user(
                    request, f"Approved {revision}: the API serves it now.", messages.SUCCESS
                )
            elif "_reject" in request.POST:
                revision_reject(revision=revision, reviewer=request.user, note=note)
                self.message_user(request, f"Rejected {revision}.", messages.SUCCESS)
            else:
                raise PermissionDenied
        except ReviewError as error:
            self.message_user(request, str(error), messages.ERROR)
        except ValidationError as error:
            self.message_user(
                request,
                "The revision no longer validates against the current content: "
                + "; ".join(error.messages),
                messages.ERROR,
            )
        return HttpResponseRedirect(request.path)


@admin.register(LoadedEntry)
class LoadedEntryAdmin(admin.ModelAdmin):
    """What the content loader last wrote, so editors can see which rows came from fixtures."""

    list_display = ("__str__", "loaded_at")
    list_filter = ("model",)
    search_fields = ("key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a record would make the loader treat an editor's deletion as never loaded.
        return False
