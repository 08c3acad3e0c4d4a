from django.contrib import admin

from tongban.jobs.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """Read-only: runs are written by the job runner, never by hand."""

    list_display = ["job", "period_key", "status", "attempts", "trigger", "started_at", "finished_at"]
    list_filter = ["status", "trigger", "job"]
    search_fields = ["job"]
    date_hierarchy = "period_key"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
