from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "tongban.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tongban.org.models import Staff, Unit, UnitKind, Window

        auditlog.register(UnitKind)
        auditlog.register(Unit, exclude_fields=["updated_at", "path", "depth"])
        auditlog.register(Window, exclude_fields=["updated_at"])
        auditlog.register(Staff, exclude_fields=["updated_at"], m2m_fields={"units_in_charge"})
