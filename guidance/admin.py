from django.contrib import admin

from content.admin import ContentAdmin, ReviewedInline
from content.models import PUBLISH_PERMISSION
from disorders.admin import DisorderAdmin
from disorders.models import Disorder
from guidance.forms import GuidanceForm
from guidance.models import Guidance, SafetyStatement
from guidance.services import guidance_apply_status

SCOPE_FILTERS = ("disorder", "compound", "profile_factor")


class GuidanceInline(ReviewedInline, admin.StackedInline):
    """A disorder's guidance rows, edited in place by reviewers (new rows start as drafts);
    read only for editors, whose changes to guidance go through each row's own page."""

    model = Guidance
    form = GuidanceForm
    fk_name = "disorder"
    extra = 0
    autocomplete_fields = ("compound", "profile_factor", "modality", "references")
    fields = (
        "slug",
        ("compound", "profile_factor"),
        ("modality", "phase", "strength"),
        "rationale",
        "references",
        ("provenance", "locator"),
        ("kind", "direction", "certainty", "certainty_rationale"),
        ("status", "published_at", "reviewed_by"),
    )

    def get_readonly_fields(self, request, obj=None):
        return publication_readonly_fields(request)


def publication_readonly_fields(request) -> tuple[str, ...]:
    """Who published and when are stamped, never typed; status needs the publish permission."""
    stamped = ("published_at", "reviewed_by")
    return stamped if request.user.has_perm(PUBLISH_PERMISSION) else ("status", *stamped)


# The disorder's page edits its guidance in place: the guidance app extends the disorders app's
# admin (which cannot know about guidance) with the inline.
admin.site.unregister(Disorder)


@admin.register(Disorder)
class DisorderWithGuidanceAdmin(DisorderAdmin):
    """A disorder with its guidance rows inline; an inline row's status obeys the same rule."""

    inlines = (*DisorderAdmin.inlines, GuidanceInline)

    def save_formset(self, request, form, formset, change):
        if formset.model is Guidance:
            for inline_form in formset.forms:
                if inline_form.has_changed() and inline_form.instance is not None:
                    guidance_apply_status(guidance=inline_form.instance, reviewer=request.user)
        super().save_formset(request, form, formset, change)


@admin.register(Guidance)
class GuidanceAdmin(ContentAdmin):
    form = GuidanceForm
    list_display = (
        "slug",
        "status",
        "modality",
        "phase",
        "disorder",
        "compound",
        "profile_factor",
        "strength",
        "published_at",
    )
    list_filter = ("status", "phase", "strength", *SCOPE_FILTERS, "modality")
    # No bulk "publish selected": a reviewer publishes a draft from its page, where they read it
    # and the version check makes sure it is what gets published.
    list_select_related = (*SCOPE_FILTERS, "modality")
    search_fields = ("slug", "rationale", "modality__name", "disorder__name")
    autocomplete_fields = (*SCOPE_FILTERS, "modality", "references")
    fieldsets = (
        (None, {"fields": ("slug",)}),
        ("Scope (leave all empty for general guidance)", {"fields": SCOPE_FILTERS}),
        (
            "Pairing",
            {
                "fields": (
                    "modality",
                    "phase",
                    "strength",
                    "rationale",
                    "references",
                    "provenance",
                    "locator",
                )
            },
        ),
        (
            "Grading (GRADE; the rules in guidance/grading.py bound the certainty)",
            {"fields": ("kind", "direction", "certainty", "certainty_rationale")},
        ),
        (
            "Publication (drafts never reach the API or the plans)",
            {"fields": ("status", "published_at", "reviewed_by")},
        ),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), *publication_readonly_fields(request))

    def save_model(self, request, obj, form, change):
        guidance_apply_status(guidance=obj, reviewer=request.user)
        super().save_model(request, obj, form, change)


@admin.register(SafetyStatement)
class SafetyStatementAdmin(ContentAdmin):
    list_display = ("slug", "title", "kind", "severity", "trigger", *SCOPE_FILTERS)
    list_filter = ("kind", "severity", "trigger", "compound_class", *SCOPE_FILTERS)
    list_select_related = SCOPE_FILTERS
    search_fields = ("slug", "title", "message")
    autocomplete_fields = (*SCOPE_FILTERS, "references")
    fieldsets = (
        (None, {"fields": ("slug", "title", "kind", "severity", "trigger")}),
        (
            "Scope (leave all empty for every plan)",
            {"fields": (*SCOPE_FILTERS, "compound_class")},
        ),
        ("Statement", {"fields": ("message", "references", "provenance", "locator")}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
