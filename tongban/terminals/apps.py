from django.apps import AppConfig


class TerminalsConfig(AppConfig):
    name = "tongban.terminals"
    label = "terminals"
    verbose_name = "乡镇电子监察终端"

    def ready(self) -> None:
        from tongban.core.audit import audit
        from tongban.terminals import models as m

        audit(m.TerminalSettings)
        audit(m.Terminal, exclude=["last_seen_at", "last_address", "software_version", "token_hash"])
