from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "tongban.jobs"
    label = "jobs"
    verbose_name = "定时任务"

    def ready(self) -> None:
        # JobRun is not registered with django-auditlog: no person ever edits a run, and its status,
        # progress and result change through the conditional UPDATEs of the claim, which the audit log
        # cannot see. The row is its own log; failures and forced re-runs are domain events on it.
        # Every app's jobs.py registers its jobs with tongban.jobs.registry.
        autodiscover_modules("jobs")

        from tongban.jobs import home

        home.register_sections()  # the 工作台's failed runs
