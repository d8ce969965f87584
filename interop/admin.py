from django.contrib import admin

from interop.models import CardFeedback


@admin.register(CardFeedback)
class CardFeedbackAdmin(admin.ModelAdmin):
    """Feedback is what EHRs reported: editors read it, nobody edits it."""

    list_display = ["received_at", "service", "outcome", "override_reason", "card", "client"]
    list_filter = ["service", "outcome", "override_reason"]
    search_fields = ["card", "user_comment", "client"]
    date_hierarchy = "received_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
