"""Stable error codes of 领导坐班 and the coordination meetings, with the one Chinese message every surface shows."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from tongban.core.error_codes import service_error


class MeetingsError(models.TextChoices):
    NOT_A_LEADER = "duty_not_a_leader", "“{name}”不是领导，只能安排领导坐班（在人员信息中勾选“领导”）。"
    DUTY_TWICE = "duty_twice", "“{name}”{day} 已安排坐班，不能重复安排。"
    ATTENDANCE_TOO_EARLY = "duty_attendance_too_early", "坐班日期 {day} 还没到，到岗情况只能当天或之后登记。"
    NOT_ON_DUTY = "duty_not_on_duty", "只有当天坐班的领导“{name}”或整改办、中心领导才能记录坐班决定。"
    TEXT_REQUIRED = "decision_text_required", "请填写决定事项：谁、做什么。"
    DEADLINE_REQUIRED = "decision_deadline_required", "交办整改须填写完成时限。"
    DEADLINE_BEFORE = "decision_deadline_before", "完成时限 {deadline} 早于 {day}，请重新填写。"
    NO_LEADER = "referral_no_leader", "“{unit}”还没有登记领导，请先在人员信息中为该单位登记领导，再发送问题。"
    REPLY_DUE_PAST = "referral_reply_due_past", "答复期限 {day} 已过，请填写今天或以后的日期。"
    TITLE_REQUIRED = "referral_title_required", "请填写问题。"
    NOT_RECIPIENT = "referral_not_recipient", "只有“{unit}”的领导或负责人才能答复这份问题互通单。"
    ANSWER_REQUIRED = "referral_answer_required", "请填写答复：已做了什么、还要做什么。"
    ALREADY_ANSWERED = "referral_already_answered", "这份问题互通单已于 {day} 答复，不能重复答复。"
    MINUTES_REQUIRED = "meeting_minutes_required", "请先填写会议纪要，再印发。"
    NOT_YET_HELD = "meeting_not_yet_held", "会议定于 {day} 召开，召开之后才能记录纪要和议定事项。"
    ALREADY_ISSUED = "meeting_already_issued", "会议纪要已于 {day} 印发，不能再修改；新的事项请在下次会议议定。"
    TITLE_MISSING = "meeting_title_required", "请填写会议名称。"


def meetings_error(code: MeetingsError, **params) -> ValidationError:
    return service_error(code, **params)
