"""Codes and Chinese labels of 评优."""
from django.db import models


class Period(models.TextChoices):
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"


class Subject(models.TextChoices):
    """Who an honour goes to: a window (the post) or a staff member (the person)."""

    WINDOW = "window", "窗口"
    STAFF = "staff", "工作人员"


class Requirement(models.TextChoices):
    """An eligibility attribute a staff honour may require (recorded per person in `StaffTraits`)."""

    NONE = "", "无"
    PARTY_MEMBER = "party_member", "中共党员"
    FEMALE = "female", "女性"


class HonourStatus(models.TextChoices):
    NOMINATED = "nominated", "已提名，待决定"
    AWARDED = "awarded", "已授予"
    REJECTED = "rejected", "未授予"


HONOUR_STATUS_COLORS = {HonourStatus.NOMINATED: "warning", HonourStatus.AWARDED: "success",
                        HonourStatus.REJECTED: "secondary"}
