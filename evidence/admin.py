from django.contrib import admin

from content.admin import ContentAdmin
from evidence.models import Reference


@admin.register(Reference)
class ReferenceAdmin(ContentAdmin):
    list_display = ("__str__", "title", "year", "evidence_type", "doi")
    list_display_links = ("__str__",)
    list_filter = ("evidence_type",)
    search_fields = ("authors", "title", "doi", "venue", "citation", "=seed_number")
    fieldsets = (
        (None, {"fields": ("seed_number", "authors", "title", "venue", "year")}),
        ("Identifiers", {"fields": ("doi", "url")}),
        ("Evidence", {"fields": ("evidence_type", "citation")}),
        ("History", {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
