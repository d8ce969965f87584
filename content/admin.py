"""Admin for the loader's bookkeeping (read only) and the base class of every content admin."""

from django.contrib import admin
from django.db import models

from content.forms import CitedModelForm
from content.models import LoadedEntry


class ContentAdmin(admin.ModelAdmin):
    """Base admin for content: cited-statement validation and the timestamps, read only."""

    form = CitedModelForm
    readonly_fields = ("created_at", "updated_at")
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(LoadedEntry)
class LoadedEntryAdmin(admin.ModelAdmin):
    """What the content loader last wrote, so editors can see which rows came from fixtures."""

    list_display = ("model", "key", "loaded_at")
    list_filter = ("model",)
    search_fields = ("key",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
