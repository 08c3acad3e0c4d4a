"""Read-mostly admin for the rectification records; the loop itself runs through the pages and services."""
from django.contrib import admin

from tongban.rectification.clocks import refresh_measure_clock
from tongban.rectification.models import Accountability, Bulletin, Inspection, Measure, SignalSettings, WorkPlan


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "group", "inspected_unit", "feedback_date", "report_due_date", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "group"]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["text", "lead_unit", "deadline_kind", "deadline", "status"]
    list_filter = ["status", "deadline_kind", "source_kind"]
    search_fields = ["text"]
    readonly_fields = ["status", "version", "verified_at", "verified_by", "submitted_at", "reopened_count",
                       "returned_count", "due_date"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        refresh_measure_clock(obj)  # a deadline edited here moves the stored due date too


@admin.register(Accountability)
class AccountabilityAdmin(admin.ModelAdmin):
    list_display = ["decided_on", "action_kind", "reason_kind", "target_staff", "target_unit", "decided_by"]
    list_filter = ["action_kind", "reason_kind"]


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "unit", "inspection"]


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ["month", "created_at"]
    readonly_fields = ["month", "summary", "text"]


@admin.register(SignalSettings)
class SignalSettingsAdmin(admin.ModelAdmin):
    """整改提示设置 (one row): the thresholds, each with its source. The next scan (nightly, or after the
    next change) uses them; the signals are never decided here."""

    def has_add_permission(self, request) -> bool:
        return not SignalSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
