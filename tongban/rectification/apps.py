from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "tongban.rectification"
    label = "rectification"
    verbose_name = "巡察整改"

    def ready(self) -> None:
        from tongban.core.audit import audit

        from tongban.rectification import models as m

        audit(m.Inspection)
        audit(m.RectificationGroup)
        audit(m.GroupMember)
        audit(m.Aspect)
        audit(m.Finding)
        audit(m.Measure, exclude=["overdue_recorded_for"])
        audit(m.MeasureUnit)
        audit(m.Checkpoint)
        audit(m.ProgressUpdate)
        audit(m.Evidence)
        audit(m.Revisit)
        audit(m.Accountability, m2m=["measures"])
        audit(m.WorkPlan)
        audit(m.PlanTask, m2m=["units", "leaders"])
        audit(m.Bulletin)
        audit(m.ImportRun, exclude=["progress_done", "progress_total"])

        from tongban.rectification import home

        home.register_sections()  # the 工作台's to-do sections
