"""Codes and Chinese labels of the assessment app."""
from django.db import models


class Group(models.TextChoices):
    """Who is assessed: the scheme says which unit kinds fall in each group (`Scheme.subject_kinds`)."""

    WINDOW = "window", "进驻窗口单位"
    TOWNSHIP = "township", "乡镇便民服务中心"


class SheetStatus(models.TextChoices):
    OBJECTION = "objection", "申诉期"
    LOCKED = "locked", "已锁定"


SHEET_STATUS_COLORS = {SheetStatus.OBJECTION: "warning", SheetStatus.LOCKED: "success"}


class Grade(models.TextChoices):
    PASS = "pass", "合格"
    BASIC = "basic", "基本合格"
    FAIL = "fail", "不合格"


GRADE_COLORS = {Grade.PASS: "success", Grade.BASIC: "warning", Grade.FAIL: "danger"}


class ObjectionStatus(models.TextChoices):
    PENDING = "pending", "待决定"
    UPHELD = "upheld", "申诉成立"
    REJECTED = "rejected", "申诉不成立"


MANUAL = "manual"  # an indicator's source when the points are entered by hand, with evidence
