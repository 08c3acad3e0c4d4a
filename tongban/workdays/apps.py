from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "tongban.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from tongban.core.audit import audit

        from tongban.workdays.models import CalendarYear, Day

        audit(Day, exclude=["workday_index"])
        audit(CalendarYear)
