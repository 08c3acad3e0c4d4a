"""系统管理: the case policy (one row) and the join rules of bundle stages. Cases themselves are changed only
through the services (the pages, the API, the jobs)."""
from django.contrib import admin

from tongban.cases import models as m


@admin.register(m.CaseSettings)
class CaseSettingsAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        """The §32 days and the warning days feed every open case's stored clock: when one of them really
        changed, rebuild the open cases' clocks (set-based: a few UPDATEs over the open cases, whatever their
        number) and say so on the page. Any other change (the region code, the delivery days, which apply from
        the next intake or decision) re-dates nothing (`clocks.settings_changed`, on `core.models.policy_changed`)."""
        super().save_model(request, obj, form, change)
        from tongban.core.models import policy_changed

        for _, redated in policy_changed.send(sender=m.CaseSettings, fields=set(form.changed_data)):
            if redated is not None:
                self.message_user(request, f"已按新的设置重算 {redated} 件在办办件的期限和临期提醒日期。")


admin.site.register(m.StageJoinRule, list_display=["bundle", "stage", "rule"])


@admin.register(m.OutletAuthorisation)
class OutletAuthorisationAdmin(admin.ModelAdmin):
    """网点代收授权 (15 分钟政务服务圈): which items a bank / post outlet may take; saved through the services
    (`services.online.authorise_outlet` / `revoke_outlet`, each a history event)."""

    list_display = ["outlet", "item", "authorised_on", "is_revoked", "revoked_on"]
    list_filter = ["is_revoked"]
    autocomplete_fields = ["item"]
    readonly_fields = ["revoked_on"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "outlet":
            from tongban.org.models import Unit

            kwargs["queryset"] = Unit.objects.filter(kind__code="outlet")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        from tongban.cases.services import online

        if obj.is_revoked:
            if obj.pk is None:
                obj.save()
            online.revoke_outlet(obj, by=request.user)
        else:
            saved = online.authorise_outlet(obj.outlet, obj.item, by=request.user, on=obj.authorised_on)
            obj.pk = saved.pk
