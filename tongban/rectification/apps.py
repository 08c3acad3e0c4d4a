from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "tongban.rectification"
    label = "rectification"
    verbose_name = "巡察整改"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tongban.rectification import models as m

        quiet = ["updated_at"]
        auditlog.register(m.Inspection, exclude_fields=quiet)
        auditlog.register(m.RectificationGroup, exclude_fields=quiet)
        auditlog.register(m.GroupMember, exclude_fields=quiet)
        auditlog.register(m.Aspect, exclude_fields=quiet)
        auditlog.register(m.Finding, exclude_fields=quiet)
        auditlog.register(m.Measure, exclude_fields=[*quiet, "overdue_recorded_for"])
        auditlog.register(m.MeasureUnit)
        auditlog.register(m.Checkpoint, exclude_fields=quiet)
        auditlog.register(m.ProgressUpdate, exclude_fields=quiet)
        auditlog.register(m.Evidence, exclude_fields=quiet)
        auditlog.register(m.Revisit, exclude_fields=quiet)
        auditlog.register(m.Accountability, exclude_fields=quiet, m2m_fields={"measures"})
        auditlog.register(m.WorkPlan, exclude_fields=quiet)
        auditlog.register(m.PlanTask, exclude_fields=quiet, m2m_fields={"units", "leaders"})
        auditlog.register(m.Bulletin, exclude_fields=quiet)
