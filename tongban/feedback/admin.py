from django.contrib import admin

from tongban.feedback.models import FeedbackSettings


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(admin.ModelAdmin):
    """The policy numbers (each with its source) are edited here; ratings, complaints and callbacks only
    through their pages, so every change goes through the services."""

    def has_add_permission(self, request):
        return not FeedbackSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
