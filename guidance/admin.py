from django.contrib import admin

from content.admin import ContentAdmin
from content.forms import CitedModelForm
from guidance.models import Disorder, Guidance, ProfileFactor, SafetyStatement

SCOPE_FILTERS = ("disorder", "compound", "profile_factor")


class GuidanceInline(admin.StackedInline):
    """A disorder's guidance rows, edited in place."""

    model = Guidance
    form = CitedModelForm
    fk_name = "disorder"
    extra = 0
    autocomplete_fields = ("compound", "profile_factor", "modality", "references")
    fields = (
        "slug",
        ("compound", "profile_factor"),
        ("modality", "phase", "strength"),
        "rationale",
        "references",
    )


@admin.register(Disorder)
class DisorderAdmin(ContentAdmin):
    list_display = ("name", "category", "parent", "icd11_code")
    list_filter = ("category",)
    list_select_related = ("parent",)
    search_fields = ("name", "slug", "habitual_patterns", "plasticity_risk", "evidence_summary")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = (
        "parent",
        "habitual_patterns_references",
        "plasticity_risk_references",
        "references",
    )
    inlines = (GuidanceInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "category", "parent", "icd11_code")}),
        ("Habitual patterns", {"fields": ("habitual_patterns", "habitual_patterns_references")}),
        (
            "Maladaptive-plasticity risk",
            {"fields": ("plasticity_risk", "plasticity_risk_references")},
        ),
        ("Evidence", {"fields": ("evidence_summary", "references")}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )


@admin.register(ProfileFactor)
class ProfileFactorAdmin(ContentAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("references",)


@admin.register(Guidance)
class GuidanceAdmin(ContentAdmin):
    list_display = (
        "slug",
        "modality",
        "phase",
        "disorder",
        "compound",
        "profile_factor",
        "strength",
    )
    list_filter = ("phase", "strength", *SCOPE_FILTERS, "modality")
    list_select_related = (*SCOPE_FILTERS, "modality")
    search_fields = ("slug", "rationale", "modality__name", "disorder__name")
    autocomplete_fields = (*SCOPE_FILTERS, "modality", "references")
    fieldsets = (
        (None, {"fields": ("slug",)}),
        ("Scope (leave all empty for general guidance)", {"fields": SCOPE_FILTERS}),
        ("Pairing", {"fields": ("modality", "phase", "strength", "rationale", "references")}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )


@admin.register(SafetyStatement)
class SafetyStatementAdmin(ContentAdmin):
    list_display = ("slug", "title", "severity", "trigger", *SCOPE_FILTERS)
    list_filter = ("severity", "trigger", *SCOPE_FILTERS)
    list_select_related = SCOPE_FILTERS
    search_fields = ("slug", "title", "message")
    autocomplete_fields = (*SCOPE_FILTERS, "references")
    fieldsets = (
        (None, {"fields": ("slug", "title", "severity", "trigger")}),
        ("Scope (leave all empty for every plan)", {"fields": SCOPE_FILTERS}),
        ("Statement", {"fields": ("message", "references")}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
