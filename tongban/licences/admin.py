from django.contrib import admin

from tongban.licences.models import Licence, LicenceSettings


@admin.register(LicenceSettings)
class LicenceSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "expiry_reminder_days", "default_validity_years"]


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "holder_name", "status", "valid_until"]
    search_fields = ["number", "holder_name"]
    list_filter = ["status", "source"]
    raw_id_fields = ["kind", "unit", "case", "task", "replaced_by"]
