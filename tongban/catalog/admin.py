from django.contrib import admin

from tongban.catalog import models as m


class ItemMaterialInline(admin.TabularInline):
    model = m.ItemMaterial
    extra = 0


class ItemFormFieldInline(admin.TabularInline):
    model = m.ItemFormField
    extra = 0


class StepInline(admin.TabularInline):
    model = m.Step
    extra = 0


class SpecialStepInline(admin.TabularInline):
    model = m.SpecialStep
    extra = 0


@admin.register(m.ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
    list_display = ["implementation_code", "name", "item_type", "level", "implementing_unit", "promised_days", "is_published"]
    list_filter = ["item_type", "level", "case_kind", "is_published"]
    search_fields = ["name", "basic_code", "implementation_code"]
    inlines = [ItemMaterialInline, ItemFormFieldInline, StepInline, SpecialStepInline]


class BundleItemInline(admin.TabularInline):
    model = m.BundleItem
    extra = 0
    filter_horizontal = ["predecessors"]


@admin.register(m.Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "audience", "theme", "is_published"]
    inlines = [BundleItemInline]


admin.site.register(m.CatalogSettings)
admin.site.register(m.MaterialIdentity, search_fields=["code", "name"])
admin.site.register(m.DataElement, search_fields=["code", "label"])
admin.site.register(m.Delegation, list_display=["item", "township", "mode", "delegated_on", "is_revoked"])
admin.site.register(m.TownshipListEntry, list_display=["list_name", "sort_order", "basic_code", "name"])
admin.site.register(m.Intermediary, list_display=["name", "credit_code", "status"])
admin.site.register(m.IntermediaryService, list_display=["name", "item", "is_statutory"])
admin.site.register(m.Qualification, list_display=["intermediary", "name", "number", "expires_on"])
admin.site.register(m.NegativeListEntry, list_display=["unit", "item", "reason", "rectify_deadline", "is_resolved"])


@admin.register(m.SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """餐饮 → 饭店、食品经营: what the public search also looks for when someone types the term."""

    list_display = ["term", "synonyms", "updated_at"]
    search_fields = ["term", "synonyms"]
