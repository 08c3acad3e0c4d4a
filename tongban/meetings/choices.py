"""Choices of 领导坐班 and the coordination meetings: English codes, Chinese labels, badge colours."""
from django.db import models


class Attendance(models.TextChoices):
    SCHEDULED = "scheduled", "待坐班"
    PRESENT = "present", "已到岗"
    ABSENT = "absent", "缺岗"
    EXCUSED = "excused", "请假"


ATTENDANCE_COLORS = {
    Attendance.SCHEDULED: "secondary",
    Attendance.PRESENT: "success",
    Attendance.ABSENT: "danger",
    Attendance.EXCUSED: "warning",
}


class ReferralStatus(models.TextChoices):
    WAITING = "waiting", "待答复"
    ANSWERED = "answered", "已答复"


REFERRAL_STATUS_COLORS = {ReferralStatus.WAITING: "warning", ReferralStatus.ANSWERED: "success"}


class MeetingKind(models.TextChoices):
    RECTIFICATION = "rectification", "整改协调会"
    TOWNSHIP = "township", "政务服务基层延伸工作会议"
    OTHER = "other", "其他协调会议"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "待召开"
    HELD = "held", "已召开"
    ISSUED = "issued", "纪要已印发"


MEETING_STATUS_COLORS = {
    MeetingStatus.SCHEDULED: "secondary",
    MeetingStatus.HELD: "primary",
    MeetingStatus.ISSUED: "success",
}
