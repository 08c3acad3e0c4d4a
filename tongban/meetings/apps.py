from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "tongban.meetings"
    label = "meetings"
    verbose_name = "领导坐班与协调会议"

    def ready(self) -> None:
        from tongban.core.audit import audit
        from tongban.meetings import models as m

        audit(m.DutyRota)
        audit(m.Meeting, m2m=["units", "attendees"])
        audit(m.Decision)
        audit(m.Referral)

        from tongban.meetings import home

        home.register_sections()  # the 工作台 lines of the leader on duty, of attendees and of answering units
