"""Choices of the rectification loop: English codes, Chinese labels, colours for badges."""
from django.db import models


class InspectionKind(models.TextChoices):
    PATROL = "patrol", "巡察"  # by a city or county party committee
    TOUR = "tour", "巡视"  # by the central or a provincial party committee


class InspectionStatus(models.TextChoices):
    RECTIFYING = "rectifying", "整改中"
    REPORTED = "reported", "已报送整改报告"
    CLOSED = "closed", "整改完成"


class GroupRole(models.TextChoices):
    LEADER = "leader", "组长"
    DEPUTY = "deputy", "副组长"
    MEMBER = "member", "成员"


class FindingKind(models.TextChoices):
    PROBLEM = "problem", "问题"
    SUGGESTION = "suggestion", "意见建议"


class SourceKind(models.TextChoices):
    """Where a measure comes from: the one closed loop takes every source (ROADMAP X1)."""

    INSPECTION_FINDING = "inspection_finding", "巡察反馈问题"
    RATING = "rating", "差评"
    CALLBACK = "callback", "回访不满意"
    COMPLAINT = "complaint", "投诉"
    OVERDUE_CASE = "overdue_case", "超期办件"


class UnitRole(models.TextChoices):
    LEAD = "lead", "牵头单位"
    COORDINATING = "coordinating", "协调单位"
    SUPPORTING = "supporting", "配合单位"


class DeadlineKind(models.TextChoices):
    DATE = "date", "限期完成"
    IMMEDIATE = "immediate", "立行立改"
    ONGOING = "ongoing", "长期坚持"


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "整改中"
    ONGOING = "ongoing", "长期持续整改"
    PENDING_SIGNOFF = "pending_signoff", "申请销号"
    VERIFIED = "verified", "已整改到位"


MEASURE_STATUS_COLORS = {
    MeasureStatus.NOT_STARTED: "secondary",
    MeasureStatus.IN_PROGRESS: "primary",
    MeasureStatus.ONGOING: "info",
    MeasureStatus.PENDING_SIGNOFF: "warning",
    MeasureStatus.VERIFIED: "success",
}

# The three buckets every report and dashboard counts, so that verified + ongoing + open = total (X5).
OPEN_STATUSES = (MeasureStatus.NOT_STARTED, MeasureStatus.IN_PROGRESS, MeasureStatus.PENDING_SIGNOFF)


class ActionKind(models.TextChoices):
    """问责方式, lightest first."""

    TALK = "talk", "约谈"
    CRITICISM = "criticism", "通报批评"
    ADMONITION = "admonition", "诫勉"
    ORGANISATIONAL = "organisational", "组织处理"
    PARTY_DISCIPLINE = "party_discipline", "党纪处分"
    ADMINISTRATIVE = "administrative", "政务处分"


class ReasonKind(models.TextChoices):
    OVERDUE = "overdue", "逾期未完成整改"
    SUPERFICIAL = "superficial", "表面整改"
    PERFUNCTORY = "perfunctory", "敷衍整改"
    FALSE = "false", "虚假整改"
    OTHER = "other", "其他"


class PlanTaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"


PLAN_TASK_STATUS_COLORS = {
    PlanTaskStatus.NOT_STARTED: "secondary",
    PlanTaskStatus.IN_PROGRESS: "primary",
    PlanTaskStatus.DONE: "success",
}


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "导入中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "导入失败"
