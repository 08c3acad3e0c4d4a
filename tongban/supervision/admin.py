"""系统管理: the supervision policy (one row: thresholds, each with its source in the field's help) and the
督办 escalation ladder (rows). Clocks, cards and 督办单 change only through the scan and the services."""
from django.contrib import admin

from tongban.supervision import models as m


@admin.register(m.SupervisionSettings)
class SupervisionSettingsAdmin(admin.ModelAdmin):
    """A changed threshold makes the next scan a full one (the scan compares the thresholds it ran with)."""

    def has_add_permission(self, request):
        return not m.SupervisionSettings.objects.exists() and super().has_add_permission(request)


@admin.register(m.EscalationStep)
class EscalationStepAdmin(admin.ModelAdmin):
    list_display = ["level", "name", "after_workdays", "audience", "reply_workdays", "publish", "source"]
    ordering = ["level"]
