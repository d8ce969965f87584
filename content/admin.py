"""Admin for the loader's bookkeeping (read only) and the base class of every content admin."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from content.forms import CitedModelForm
from content.models import LoadedEntry


class ContentAdmin(SimpleHistoryAdmin):
    """Base admin for content: cited-statement validation, timestamps read only, and the
    object's history (who changed what, when, with revert) one click away."""

    form = CitedModelForm
    readonly_fields = ("created_at", "updated_at")
    list_per_page = 50
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    history_list_display = ("history_change_reason",)


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
