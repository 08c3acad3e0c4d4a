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
    DUTY_DECISION = "duty_decision", "坐班领导交办"
    MEETING_DECISION = "meeting_decision", "协调会议定事项"


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


class SignalKind(models.TextChoices):
    """Signs that a measure's evidence or history does not add up (issue 16): prompts to look, never verdicts.
    The codes are stable (stored, filtered on, in the API); the labels are what people read."""

    SAME_FILE = "same_file", "不同措施使用同一文件"
    SIMILAR_PHOTO = "similar_photo", "不同措施使用相似照片"
    SIMILAR_TEXT = "similar_text", "不同措施的材料文字几乎相同"
    AFTER_SIGNOFF = "after_signoff", "销号后补充的材料"
    PREDATES_MEASURE = "predates_measure", "材料日期早于措施"
    OVERNIGHT = "overnight", "长期逾期后一天内办结"
    BULK_SUBMITTED = "bulk_submitted", "同一单位短时间内集中申请销号"
    BULK_SIGNED_OFF = "bulk_signed_off", "同一单位短时间内集中销号"
    IMPORT_NO_EVIDENCE = "import_no_evidence", "台账导入销号且无佐证材料"
    THIN_EVIDENCE = "thin_evidence", "佐证材料单薄"
    REOPENED_SAME_EVIDENCE = "reopened_same_evidence", "回头看后重新销号沿用原材料"


class SignalStatus(models.TextChoices):
    OPEN = "open", "待核查"
    FINE = "fine", "已核查，无问题"
    REVISIT = "revisit", "已安排回头看"
    ACCOUNTABILITY = "accountability", "已记录问责"


SIGNAL_STATUS_COLORS = {
    SignalStatus.OPEN: "warning",
    SignalStatus.FINE: "success",
    SignalStatus.REVISIT: "info",
    SignalStatus.ACCOUNTABILITY: "danger",
}
