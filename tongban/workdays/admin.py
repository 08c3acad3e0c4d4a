"""Admin for the calendar. A change to a day goes through `services.override_day`, which re-counts
the workday index; years change only through fill and import, so they are read-only here."""
from django.contrib import admin

from tongban.workdays import services
from tongban.workdays.models import CalendarYear, Day


@admin.register(Day)
class DayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "is_workday", "holiday_name", "workday_index", "source"]
    list_filter = ["kind", "source", "is_workday"]
    search_fields = ["holiday_name"]
    date_hierarchy = "date"
    fields = ["date", "is_workday", "holiday_name", "kind", "source", "workday_index"]
    readonly_fields = ["date", "kind", "source", "workday_index"]

    def has_add_permission(self, request) -> bool:
        return False  # days come from `tongban calendar fill` and imports

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # a gap would break the running workday count

    def save_model(self, request, obj, form, change) -> None:
        services.override_day(obj.date, is_workday=obj.is_workday, holiday_name=obj.holiday_name, by=request.user)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "status", "note", "updated_at"]
    list_filter = ["status"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
