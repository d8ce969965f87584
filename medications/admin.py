from django.contrib import admin

from content.admin import ContentAdmin, ReviewedInline
from content.forms import CitedModelForm
from medications.models import Interaction, Medication, MedicationClass


class MedicationInline(ReviewedInline, admin.TabularInline):
    """A class's members and their codes; edited in place by reviewers, read only for editors
    (their changes go to review from each member's own page)."""

    model = Medication
    form = CitedModelForm
    extra = 0
    fields = ("name", "slug", "atc_code", "atc_source")


@admin.register(MedicationClass)
class MedicationClassAdmin(ContentAdmin):
    list_display = ("name", "slug", "atc_code")
    search_fields = ("name", "slug", "members__name")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MedicationInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "description")}),
        ("Standard code", {"fields": ("atc_code", "atc_source")}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )


@admin.register(Medication)
class MedicationAdmin(ContentAdmin):
    list_display = ("name", "slug", "medication_class", "atc_code")
    list_filter = ("medication_class",)
    list_select_related = ("medication_class",)
    search_fields = ("name", "slug", "atc_code")
    prepopulated_fields = {"slug": ("name",)}
    fieldsets = (
        (None, {"fields": ("name", "slug", "medication_class")}),
        ("Standard code", {"fields": ("atc_code", "atc_source")}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )


@admin.register(Interaction)
class InteractionAdmin(ContentAdmin):
    list_display = (
        "slug",
        "compound",
        "compound_class",
        "medication_class",
        "effect",
        "risk",
        "reliability",
    )
    list_filter = (
        "risk",
        "reliability",
        "effect",
        "compound",
        "compound_class",
        "medication_class",
    )
    list_select_related = ("compound", "medication_class")
    search_fields = ("slug", "summary", "medication_class__name")
    autocomplete_fields = ("compound", "medication_class", "references")
    fieldsets = (
        (None, {"fields": ("slug",)}),
        (
            "Scope (a compound, or a class of compounds)",
            {"fields": ("compound", "compound_class", "medication_class")},
        ),
        ("Judgement", {"fields": ("effect", "risk", "risk_basis", "reliability")}),
        ("What the source states", {"fields": ("summary", "references", "provenance", "locator")}),
        (
            "Management (only where a source gives advice)",
            {"fields": ("management", "management_provenance", "management_locator")},
        ),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
