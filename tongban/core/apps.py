from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tongban.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from auditlog.models import LogEntry
        from django.db.models.signals import post_migrate, pre_save

        from tongban.core import schema  # noqa: F401  (registers the OpenAPI authentication schemes)
        from tongban.core.audit import fill_in_actor

        pre_save.connect(fill_in_actor, sender=LogEntry, dispatch_uid="tongban.core.audit.fill_in_actor")

        # Every policy row exists once the database is migrated (and after a test flush): a request never
        # inserts one (the first intake on a new database held the row's insert for its whole transaction).
        from tongban.core.models import create_policy_rows

        post_migrate.connect(create_policy_rows, sender=self, dispatch_uid="tongban.core.create_policy_rows")

        from django.contrib.auth import get_user_model

        from tongban.core.tokens import revoke_on_password_change

        pre_save.connect(revoke_on_password_change, sender=get_user_model(),
                         dispatch_uid="tongban.core.tokens.revoke_on_password_change")
