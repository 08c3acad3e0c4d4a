from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "tongban.licences"
    label = "licences"
    verbose_name = "电子证照与电子印章"

    def ready(self) -> None:
        from tongban.cases.signals import case_decided, intake_licences_chosen
        from tongban.core.audit import audit
        from tongban.licences import home, jobs, models as m, rules  # noqa: F401  (register jobs and permissions)

        audit(m.LicenceSettings)
        audit(m.Licence, exclude=["reminded_for", "document"])
        home.register_sections()
        case_decided.connect(_on_decision, dispatch_uid="licences.issue_on_approval")
        intake_licences_chosen.connect(_use_at_intake, dispatch_uid="licences.use_at_intake")


def _on_decision(sender, *, case, by, **kwargs) -> None:
    """准予许可 issues the licences; every decision asks for them and its 决定书 to be sealed — by the worker after
    the commit, so a seal that fails never undoes the decision (`services.request_seals`)."""
    from tongban.cases.choices import Decision
    from tongban.licences.services import issue_for_case, request_seals

    licences = issue_for_case(case, by=by) if case.decision == Decision.APPROVED else []
    request_seals(case, licences)


def _use_at_intake(sender, *, case, choices, by, **kwargs) -> int:
    """收件登记 with licences ticked ({material id: licence id}): checked and recorded in the intake's transaction,
    so a refused licence refuses the intake with its reason."""
    from tongban.licences.services import use_licences

    return len(use_licences(case, choices, by=by))
