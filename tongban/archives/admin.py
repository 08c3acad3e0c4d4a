"""系统管理: the retention periods and the verification limits (one row, each with its source)."""
from django.contrib import admin

from tongban.archives import models as m


@admin.register(m.ArchiveSettings)
class ArchiveSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not m.ArchiveSettings.objects.exists() and super().has_add_permission(request)
