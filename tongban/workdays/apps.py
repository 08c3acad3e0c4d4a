from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "tongban.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tongban.workdays.models import CalendarYear, Day

        auditlog.register(Day, exclude_fields=["workday_index"])
        auditlog.register(CalendarYear, exclude_fields=["updated_at"])
