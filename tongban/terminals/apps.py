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

        from tongban.core import problems  # the leader on duty's sheet and the meetings' agenda
        from tongban.terminals import problems as terminals_problems

        problems.register("terminals.open_faults", terminals_problems.LABEL, terminals_problems.open_faults)
