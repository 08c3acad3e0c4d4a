from django.contrib import admin

from tongban.meetings.models import DutyRota, Meeting


@admin.register(DutyRota)
class DutyRotaAdmin(admin.ModelAdmin):
    list_display = ["duty_date", "leader", "unit", "attendance"]
    list_filter = ["attendance"]
    raw_id_fields = ["leader", "unit", "recorded_by"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["held_on", "title", "kind", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["organiser", "chair"]
    filter_horizontal = ["units", "attendees"]
