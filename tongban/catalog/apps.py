from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tongban.catalog"
    label = "catalog"
    verbose_name = "事项目录"

    def ready(self) -> None:
        from tongban.catalog import models as m
        from tongban.core.audit import audit

        for model in (
            m.ServiceItem, m.Bundle, m.Delegation, m.Intermediary, m.NegativeListEntry, m.CatalogSettings,
            m.MaterialIdentity, m.DataElement, m.ItemMaterial, m.ItemFormField, m.Step, m.SpecialStep,
            m.BundleItem, m.TownshipListEntry, m.IntermediaryService, m.Qualification, m.FilingDocument,
            m.SearchSynonym,
        ):
            audit(model, exclude=["search_initials", "search_pinyin"])

        from tongban.catalog.excel import write_visible_catalogue
        from tongban.documents import exports

        exports.register("catalog.items", write_visible_catalogue)
