from django.contrib import admin

from content.admin import ContentAdmin
from disorders.models import Disorder, ProfileFactor


@admin.register(Disorder)
class DisorderAdmin(ContentAdmin):
    """Disorders with their cited patterns and risks (the guidance app adds their guidance)."""

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
    fieldsets = (
        (None, {"fields": ("name", "slug", "category", "parent", "icd11_code")}),
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
