from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "tongban.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from tongban.core.audit import audit
        from tongban.org.models import Staff, Unit, UnitAlias, UnitKind, Window

        audit(UnitKind)
        audit(Unit, exclude=["path", "depth"])
        audit(UnitAlias)
        audit(Window)
        audit(Staff, m2m=["units_in_charge"])
