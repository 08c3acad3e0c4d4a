from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "tongban.supervision"
    label = "supervision"
    verbose_name = "电子监察"

    def ready(self) -> None:
        from tongban.core.audit import audit
        from tongban.workdays import clocks as calendar_clocks

        from tongban.supervision import clocks
        from tongban.supervision import models as m

        # A calendar change moves the clocks' due dates ("supervision.clock" runs after "cases.case").
        calendar_clocks.register("supervision.clock", clocks.recompute, model=m.Clock)
        audit(m.SupervisionSettings)
        audit(m.EscalationStep)
        audit(m.Urge)

        # The morning check and the monthly bulletin (docs/duty.md): the 工作台 section and the daily job.
        from tongban.supervision import bulletin_jobs, bulletin_sections, duty_home  # noqa: F401

        duty_home.register_sections()

        from tongban.core import problems  # the leader on duty's sheet and the meetings' agenda
        from tongban.supervision import problems as supervision_problems

        problems.register("supervision.unanswered_urges", supervision_problems.LABEL, supervision_problems.unanswered_urges)
