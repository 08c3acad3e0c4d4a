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

        from django.contrib.auth import get_user_model

        from tongban.core.tokens import revoke_on_password_change

        pre_save.connect(revoke_on_password_change, sender=get_user_model(),
                         dispatch_uid="tongban.core.tokens.revoke_on_password_change")
