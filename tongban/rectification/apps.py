from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "tongban.rectification"
    label = "rectification"
    verbose_name = "巡察整改"

    def ready(self) -> None:
        from tongban.core.audit import audit
        from tongban.documents import exports
        from tongban.workdays import clocks as calendar_clocks

        from tongban.rectification import clocks
        from tongban.rectification import exports as list_exports
        from tongban.rectification import models as m

        # A calendar change (a year imported, a day overridden …) re-derives the stored due dates.
        calendar_clocks.register("rectification.measure", clocks.recompute, model=m.Measure)
        exports.register(list_exports.KIND, list_exports.write_list)
        exports.register(list_exports.SIGNALS_KIND, list_exports.write_signals)

        audit(m.Inspection)
        audit(m.RectificationGroup)
        audit(m.GroupMember)
        audit(m.Aspect)
        audit(m.Finding)
        audit(m.Measure, exclude=["overdue_recorded_for", "due_start", "due_workdays", "due_date"])
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
        audit(m.SignalSettings)
        audit(m.Signal, exclude=["last_seen_at", "details", "sentence", "active"])

        from tongban.rectification import home

        home.register_sections()  # the 工作台's to-do sections

        from tongban.core import problems  # the leader on duty's sheet and the meetings' agenda
        from tongban.rectification import problems as rectification_problems

        problems.register("rectification.overdue_measures", rectification_problems.LABEL, rectification_problems.overdue_measures)
