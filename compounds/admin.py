from django.contrib import admin

from compounds.models import Compound, CompoundCode, CompoundMechanism, Mechanism
from content.admin import ContentAdmin, ReviewedInline
from content.forms import CitedModelForm


class CompoundMechanismInline(ReviewedInline, admin.StackedInline):
    """A compound's mechanisms, each with its evidence basis and references; edited in place by
    reviewers, read only for editors (their changes go to review from each row's own page)."""

    model = CompoundMechanism
    form = CitedModelForm
    extra = 0
    autocomplete_fields = ("compound", "mechanism", "references")
    fields = (
        "compound",
        "mechanism",
        "evidence_basis",
        "summary",
        "references",
        "provenance",
        "locator",
    )


class CompoundCodeInline(ReviewedInline, admin.TabularInline):
    """A compound's standard codes; edited in place by reviewers, read only for editors."""

    model = CompoundCode
    form = CitedModelForm
    extra = 0
    fields = ("system", "code", "display", "match", "source")


@admin.register(CompoundCode)
class CompoundCodeAdmin(ContentAdmin):
    list_display = ("__str__", "compound", "display", "match")
    list_filter = ("system", "match")
    list_select_related = ("compound",)
    search_fields = ("code", "display", "compound__name")
    autocomplete_fields = ("compound",)
    fields = ("compound", "system", "code", "display", "match", "source")


@admin.register(Compound)
class CompoundAdmin(ContentAdmin):
    list_display = ("name", "slug", "compound_class", "plasticity_onset")
    list_filter = ("compound_class",)
    search_fields = ("name", "slug", "synonyms", "summary")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("references", "plasticity_window_references")
    inlines = (CompoundCodeInline, CompoundMechanismInline)
    fieldsets = (
        (None, {"fields": ("name", "slug", "compound_class", "synonyms", "primary_targets")}),
        ("Summary", {"fields": ("summary", "references", "provenance", "locator")}),
        (
            "Plasticity after one dose",
            {
                "fields": (
                    ("plasticity_onset_min_hours", "plasticity_onset_max_hours"),
                    ("plasticity_window_duration_hours", "plasticity_window_duration_note"),
                    "plasticity_statement",
                    "plasticity_window_references",
                    "plasticity_provenance",
                    "plasticity_locator",
                )
            },
        ),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    @admin.display(description="Plasticity appears within")
    def plasticity_onset(self, obj: Compound) -> str:
        if not obj.has_plasticity_onset:
            return "not stated"
        return f"{obj.plasticity_onset_min_hours} to {obj.plasticity_onset_max_hours} h"


@admin.register(Mechanism)
class MechanismAdmin(ContentAdmin):
    list_display = ("name", "level", "slug")
    list_filter = ("level",)
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("references",)
    inlines = (CompoundMechanismInline,)


@admin.register(CompoundMechanism)
class CompoundMechanismAdmin(ContentAdmin):
    list_display = ("compound", "mechanism", "evidence_basis")
    list_filter = ("evidence_basis", "compound", "mechanism__level")
    list_select_related = ("compound", "mechanism")
    search_fields = ("compound__name", "mechanism__name", "summary")
    autocomplete_fields = ("compound", "mechanism", "references")
