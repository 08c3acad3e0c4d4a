from django.contrib import admin

from tongban.terminals.models import Terminal, TerminalSettings


@admin.register(TerminalSettings)
class TerminalSettingsAdmin(admin.ModelAdmin):
    list_display = ["__str__", "silent_hours"]

    def has_add_permission(self, request) -> bool:
        return not TerminalSettings.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Terminal)
class TerminalAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "is_active", "last_seen_at", "token_hint"]
    readonly_fields = ["last_seen_at", "last_address", "software_version", "token_hint", "token_created_at"]
