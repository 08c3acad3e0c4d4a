from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tongban.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from auditlog.models import LogEntry
        from django.db.models.signals import pre_save

        from tongban.core import schema  # noqa: F401  (registers the OpenAPI authentication schemes)
        from tongban.core.audit import fill_in_actor

        pre_save.connect(fill_in_actor, sender=LogEntry, dispatch_uid="tongban.core.audit.fill_in_actor")
