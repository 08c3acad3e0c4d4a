"""Choices of case handling: English codes, Chinese labels, badge colours."""
from django.db import models


class CaseStatus(models.TextChoices):
    RECEIVED = "received", "待受理"
    PRECHECK = "prechecking", "网上预审"
    CORRECTING = "correcting", "补正中"
    REFUSED = "refused", "不予受理"
    REVIEWING = "reviewing", "审查中"
    SUSPENDED = "suspended", "特别程序中"
    READY = "ready", "待出件"
    CLOSED = "closed", "已办结"
    WITHDRAWN = "withdrawn", "已撤回"


CASE_STATUS_COLORS = {
    CaseStatus.RECEIVED: "primary",
    CaseStatus.PRECHECK: "primary",
    CaseStatus.CORRECTING: "warning",
    CaseStatus.REFUSED: "dark",
    CaseStatus.REVIEWING: "info",
    CaseStatus.SUSPENDED: "secondary",
    CaseStatus.READY: "success",
    CaseStatus.CLOSED: "light",
    CaseStatus.WITHDRAWN: "dark",
}

# Statuses before the window's decision to take the application (the §32 clock runs).
BEFORE_ACCEPTANCE = (CaseStatus.RECEIVED, CaseStatus.PRECHECK, CaseStatus.CORRECTING)
# Statuses in which the case is still being worked on (its clock can run late).
OPEN_STATUSES = (CaseStatus.RECEIVED, CaseStatus.PRECHECK, CaseStatus.CORRECTING, CaseStatus.REVIEWING, CaseStatus.SUSPENDED,
                 CaseStatus.READY)
FINAL_STATUSES = (CaseStatus.REFUSED, CaseStatus.CLOSED, CaseStatus.WITHDRAWN)


class Decision(models.TextChoices):
    APPROVED = "approved", "准予许可"
    DENIED = "denied", "不予许可"


class TaskStatus(models.TextChoices):
    WAITING = "waiting", "待开始"
    REVIEWING = "reviewing", "待审查"
    APPROVED = "approved", "准予"
    DENIED = "denied", "不予"
    CANCELLED = "cancelled", "已终止"


TASK_STATUS_COLORS = {
    TaskStatus.WAITING: "secondary",
    TaskStatus.REVIEWING: "info",
    TaskStatus.APPROVED: "success",
    TaskStatus.DENIED: "danger",
    TaskStatus.CANCELLED: "dark",
}


class StepStatus(models.TextChoices):
    WAITING = "waiting", "未开始"
    CURRENT = "current", "办理中"
    DONE = "done", "已完成"
    CANCELLED = "cancelled", "已终止"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "不予批准"
    CANCELLED = "cancelled", "已终止"


TASK_DONE = (TaskStatus.APPROVED, TaskStatus.DENIED, TaskStatus.CANCELLED)


class ApplicantKind(models.TextChoices):
    PERSON = "person", "自然人"
    ORGANISATION = "organisation", "法人或其他组织"


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO = "hk_macao", "港澳居民来往内地通行证"
    TAIWAN = "taiwan", "台湾居民来往大陆通行证"
    OTHER = "other", "其他证件"


class MaterialState(models.TextChoices):
    RECEIVED = "received", "已收取"
    ELECTRONIC = "electronic", "电子证照免提交"
    PRODUCED = "produced", "本件办理结果（免提交）"
    MISSING = "missing", "缺少"
    DEFECTIVE = "defective", "需补正"
    PENDING = "pending", "容缺后补"


MATERIAL_STATE_COLORS = {
    MaterialState.RECEIVED: "success",
    MaterialState.ELECTRONIC: "info",
    MaterialState.PRODUCED: "info",
    MaterialState.MISSING: "danger",
    MaterialState.DEFECTIVE: "warning",
    MaterialState.PENDING: "warning",
}
# What the applicant still owes after intake (一次性告知 lists MISSING and DEFECTIVE).
MATERIAL_TO_CORRECT = (MaterialState.MISSING, MaterialState.DEFECTIVE)
MATERIAL_SATISFIED = (MaterialState.RECEIVED, MaterialState.ELECTRONIC, MaterialState.PRODUCED)


class JoinRule(models.TextChoices):
    ALL = "all", "全部事项办结后进入下一阶段"
    ANY = "any", "任一事项准予后进入下一阶段"


class HandoverMethod(models.TextChoices):
    PAPER = "paper", "窗口领取纸质证照"
    ELECTRONIC = "electronic", "电子证照"
    POST = "post", "邮寄送达"


class MissedPendingPolicy(models.TextChoices):
    WITHHOLD = "withhold", "暂不出件并标记"
    FLAG = "flag", "仅标记，照常出件"


class Channel(models.TextChoices):
    """How the application reached the county (M16): every channel ends in the same case."""

    WINDOW = "window", "窗口收件"
    ONLINE = "online", "全程网办"
    MOBILE = "mobile", "掌上办"
    OUTLET = "outlet", "网点代收"


ONLINE_CHANNELS = (Channel.ONLINE, Channel.MOBILE)


class HopClock(models.TextChoices):
    """From which hop the §32 clock of a forwarded case counts (异地代收、多地联办)."""

    FIRST = "first", "自最初收件之日起算"
    LAST = "last", "自转送到达承办窗口之日起算"


class FileSource(models.TextChoices):
    APPLICANT = "applicant", "申请人网上提交"
    STAFF = "staff", "工作人员上传"
