"""系统管理: the case policy (one row) and the join rules of bundle stages. Cases themselves are changed only
through the services (the pages, the API, the jobs)."""
from django.contrib import admin

from tongban.cases import models as m


@admin.register(m.CaseSettings)
class CaseSettingsAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        """The §32 days and the warning days feed every open case's stored clock: rebuild them (set-based)."""
        super().save_model(request, obj, form, change)
        from tongban.cases.choices import OPEN_STATUSES
        from tongban.cases.clocks import refresh_case_clocks

        refresh_case_clocks(m.Case.objects.filter(status__in=OPEN_STATUSES))


admin.site.register(m.StageJoinRule, list_display=["bundle", "stage", "rule"])
