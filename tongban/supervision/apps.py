from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "tongban.supervision"
    label = "supervision"
    verbose_name = "电子监察"

    def ready(self) -> None:
        # The morning check and the monthly bulletin (docs/duty.md): the 工作台 section and the daily job.
        from tongban.supervision import bulletin_jobs, duty_home  # noqa: F401

        duty_home.register_sections()
