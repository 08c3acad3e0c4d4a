from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "tongban.staffing"
    label = "staffing"
    verbose_name = "窗口人员管理"

    def ready(self) -> None:
        from tongban.core.audit import audit

        from tongban.staffing import models as m

        audit(m.AttendanceSettings)
        audit(m.Leave)

        from tongban.staffing import home

        home.register_sections()

        from tongban.staffing import wiring

        wiring.register()  # attendance and 周督查 as the assessment's automatic indicators
