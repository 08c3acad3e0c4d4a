"""Codes in English, labels in Chinese (国办发〔2019〕11号 for the four stages)."""
from django.db import models


class ProjectKind(models.TextChoices):
    INDUSTRIAL = "industrial", "工业项目"
    OTHER = "other", "其他项目"


class Stage(models.IntegerChoices):
    """工程建设项目审批的四个阶段 (RULES.md, 国办发〔2019〕11号)."""

    LAND_PLANNING = 1, "立项用地规划许可"
    CONSTRUCTION_PLANNING = 2, "工程建设许可"
    CONSTRUCTION_PERMIT = 3, "施工许可"
    COMPLETION = 4, "竣工验收"


class ProjectStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "审批中"
    COMPLETED = "completed", "已完成四阶段"


class StageStatus(models.TextChoices):
    """A stage's state, read from its case (the case machinery) and the coordination round."""

    NOT_APPLIED = "not_applied", "未申请"
    APPLIED = "applied", "已收件"
    COORDINATING = "coordinating", "多规合一协调中"
    REVIEWING = "reviewing", "并联审批中"
    DONE = "done", "已办结"
    REFUSED = "refused", "未通过"


class Opinion(models.TextChoices):
    AGREE = "agree", "同意"
    CONDITIONAL = "conditional", "有条件同意"
    DISAGREE = "disagree", "不同意"


class VerificationResult(models.TextChoices):
    PENDING = "pending", "待核查"
    MET = "met", "核查属实"
    NOT_MET = "not_met", "承诺不实"


class SimulatedStatus(models.TextChoices):
    CONDITIONAL = "conditional", "模拟审批（附条件）"
    FORMAL = "formal", "已转为正式审批"
