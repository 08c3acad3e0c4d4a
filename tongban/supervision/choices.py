"""Choices of supervision (电子监察): English codes, Chinese labels, badge colours."""
from django.db import models


class ClockKind(models.TextChoices):
    CASE_PROMISED = "case_promised", "办件承诺时限"
    CASE_STATUTORY = "case_statutory", "办件法定时限"
    TASK_PROMISED = "task_promised", "部门审查承诺时限"
    TASK_STEP = "task_step", "办理环节时限"
    CASE_DELIVERY = "case_delivery", "出件时限"


# Kinds with no 临期 state and no card before the due date: a step lasts a day or two, so "one working day
# left" is most of its life; only a late step (环节超时) is worth a card.
NO_WARNING_KINDS = (ClockKind.TASK_STEP,)
# The cards that count in a unit's month — the bulletin's and dashboard's figures, the repeat rule, the monthly measure
# and the assessment's points. A late step is carded (and 督办) on its own clock, but counting it as well would
# charge one late case up to five times (case, statutory, task, step, §44); it shows on the duty page and the case.
COUNTED_CARD_KINDS = (ClockKind.CASE_PROMISED, ClockKind.CASE_STATUTORY, ClockKind.TASK_PROMISED,
                      ClockKind.CASE_DELIVERY)


class ClockPhase(models.TextChoices):
    """What the case says about the clock: counting, stopped (补正中, 特别程序中) or over."""

    RUN = "run", "计时中"
    STOP = "stop", "暂停计时"
    END = "end", "已结束"


class ClockState(models.TextChoices):
    NORMAL = "normal", "正常"
    DUE_SOON = "due_soon", "临期"
    OVERDUE = "overdue", "超期"
    STOPPED = "stopped", "暂停计时"
    ENDED = "ended", "已结束"


CLOCK_STATE_COLORS = {
    ClockState.NORMAL: "success",
    ClockState.DUE_SOON: "warning",
    ClockState.OVERDUE: "danger",
    ClockState.STOPPED: "secondary",
    ClockState.ENDED: "light",
}
# The states of a clock that still counts (the scan's full pass reads these).
LIVE_STATES = (ClockState.NORMAL, ClockState.DUE_SOON, ClockState.OVERDUE)


class CardColor(models.TextChoices):
    NONE = "", "无"
    YELLOW = "yellow", "黄牌"
    RED = "red", "红牌"


CARD_COLORS = {CardColor.YELLOW: "warning", CardColor.RED: "danger"}


class CardReason(models.TextChoices):
    NONE = "", "—"
    DUE_SOON = "due_soon", "临期"
    FIRST_OVERDUE = "first_overdue", "超期（未超过红牌线）"
    OVERDUE = "overdue", "超期超过红牌线"
    REPEAT = "repeat", "本单位当月黄牌过多（重复）"


class UrgeStatus(models.TextChoices):
    WAITING = "waiting", "待答复"
    REPLIED = "replied", "已答复"


URGE_STATUS_COLORS = {UrgeStatus.WAITING: "warning", UrgeStatus.REPLIED: "success"}


class Audience(models.TextChoices):
    """Who an escalation step speaks to."""

    DEPARTMENT = "department", "责任部门人员"
    DEPARTMENT_HEAD = "department_head", "责任部门负责人"
    UNIT_LEADER = "unit_leader", "单位领导（含分管领导）"


class MeasureTrigger(models.TextChoices):
    RED_CARD = "red_card", "本单位当月有红牌"
    OVERDUE = "overdue", "本单位当月有超期办件"
    OFF = "off", "不自动开整改措施"
