from django.contrib import admin

from content.admin import ContentAdmin, ReviewedInline
from content.forms import CitedModelForm
from disorders.models import Disorder, DisorderCode, ProfileFactor


class DisorderCodeInline(ReviewedInline, admin.TabularInline):
    """A disorder's standard codes; edited in place by reviewers, read only for editors (their
    changes go to review from each code's own page)."""

    model = DisorderCode
    form = CitedModelForm
    extra = 0
    fields = ("system", "code", "display", "match", "source")


@admin.register(DisorderCode)
class DisorderCodeAdmin(ContentAdmin):
    list_display = ("__str__", "disorder", "display", "match")
    list_filter = ("system", "match")
    list_select_related = ("disorder",)
    search_fields = ("code", "display", "disorder__name")
    autocomplete_fields = ("disorder",)
    fields = ("disorder", "system", "code", "display", "match", "source")


@admin.register(Disorder)
class DisorderAdmin(ContentAdmin):
    """Disorders with their cited patterns and risks (the guidance app adds their guidance)."""

    list_display = ("name", "category", "parent")
    list_filter = ("category",)
    list_select_related = ("parent",)
    search_fields = ("name", "slug", "habitual_patterns", "plasticity_risk", "evidence_summary")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (DisorderCodeInline,)
    autocomplete_fields = (
        "parent",
        "habitual_patterns_references",
        "plasticity_risk_references",
        "references",
    )
    fieldsets = (
        (None, {"fields": ("name", "slug", "category", "parent")}),
        (
            "Habitual patterns",
            {
                "fields": (
                    "habitual_patterns",
                    "habitual_patterns_references",
                    "habitual_patterns_provenance",
                    "habitual_patterns_locator",
                )
            },
        ),
        (
            "Maladaptive-plasticity risk",
            {
                "fields": (
                    "plasticity_risk",
                    "plasticity_risk_references",
                    "plasticity_risk_provenance",
                    "plasticity_risk_locator",
                )
            },
        ),
        ("Evidence", {"fields": ("evidence_summary", "references", "provenance", "locator")}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )


@admin.register(ProfileFactor)
class ProfileFactorAdmin(ContentAdmin):
    """Clinical-profile factors and the references behind their descriptions."""

    list_display = ("name", "slug")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("references",)
