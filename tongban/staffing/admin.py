from django.contrib import admin

from tongban.staffing.models import AttendanceSettings


@admin.register(AttendanceSettings)
class AttendanceSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "morning_start", "morning_end", "afternoon_start", "afternoon_end"]
