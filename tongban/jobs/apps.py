from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "tongban.jobs"
    label = "jobs"
    verbose_name = "定时任务"

    def ready(self) -> None:
        # Every app's jobs.py registers its jobs with tongban.jobs.registry.
        autodiscover_modules("jobs")
