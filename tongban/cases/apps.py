from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "tongban.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self) -> None:
        from tongban.core.audit import audit
        from tongban.workdays import clocks as calendar_clocks

        from tongban.cases import clocks
        from tongban.cases import models as m

        # A calendar change (a year imported, a day overridden …) re-derives the stored due dates.
        calendar_clocks.register("cases.case", clocks.recompute, model=m.Case)
        # … and so does a real change of the §32 days or the warning days (the admin, a regional profile).
        from tongban.core.models import policy_changed

        policy_changed.connect(clocks.settings_changed, sender=m.CaseSettings, dispatch_uid="cases.settings_changed")

        audit(m.CaseSettings)
        audit(m.StageJoinRule)

        from tongban.cases import home

        home.register_sections()

        from tongban.cases import exports as case_exports
        from tongban.documents import exports

        exports.register(case_exports.KIND, case_exports.write_ledger)

        from tongban.core import problems  # the leader on duty's sheet and the meetings' agenda
        from tongban.cases import problems as cases_problems

        problems.register("cases.overdue", cases_problems.LABEL, cases_problems.overdue_cases)
