from django.apps import AppConfig


class LicencesConfig(AppConfig):
    name = "tongban.licences"
    label = "licences"
    verbose_name = "电子证照与电子印章"

    def ready(self) -> None:
        from tongban.cases.signals import case_decided
        from tongban.core.audit import audit
        from tongban.licences import home, jobs, models as m, rules  # noqa: F401  (register jobs and permissions)

        audit(m.LicenceSettings)
        audit(m.Licence, exclude=["reminded_for", "document"])
        home.register_sections()
        case_decided.connect(_issue_on_approval, dispatch_uid="licences.issue_on_approval")


def _issue_on_approval(sender, *, case, by, **kwargs) -> None:
    from tongban.cases.choices import Decision
    from tongban.licences.services import issue_for_case

    if case.decision == Decision.APPROVED:
        issue_for_case(case, by=by)
