from django.contrib import admin

from content.admin import ContentAdmin
from modalities.models import Modality


@admin.register(Modality)
class ModalityAdmin(ContentAdmin):
    list_display = (
        "name",
        "lineage",
        "serves_preparation",
        "serves_medication_session",
        "serves_integration",
    )
    list_filter = (
        "lineage",
        "serves_preparation",
        "serves_medication_session",
        "serves_integration",
    )
    search_fields = ("name", "slug", "aims", "key_techniques")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("references",)
    fieldsets = (
        (None, {"fields": ("name", "slug", "lineage")}),
        (
            "Content",
            {"fields": ("aims", "key_techniques", "references", "provenance", "locator")},
        ),
        (
            "Treatment phases",
            {
                "fields": (
                    ("serves_preparation", "serves_medication_session", "serves_integration"),
                    "phase_note",
                    "minimum_standard_phase",
                )
            },
        ),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
