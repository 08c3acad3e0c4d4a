from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "tongban.honours"
    label = "honours"
    verbose_name = "评优"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tongban.core.audit import audit
        from tongban.honours import models as m
        from tongban.honours import home, panels

        for model in (m.HonourSettings, m.HonourKind, m.StaffTraits, m.Honour):
            audit(model)
        panels.register()
        home.register_sections()
