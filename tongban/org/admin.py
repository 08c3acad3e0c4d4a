from django.contrib import admin

from tongban.org.models import Staff, Unit, UnitKind, Window


@admin.register(UnitKind)
class UnitKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "sort_order", "is_service_point"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth", "version"]


@admin.register(Window)
class WindowAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit", "is_active"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["staff_no", "name", "unit", "window", "position", "role", "is_active"]
    list_filter = ["role", "is_leader", "is_active"]
    search_fields = ["name", "staff_no"]
    filter_horizontal = ["units_in_charge"]
    autocomplete_fields = ["unit"]
