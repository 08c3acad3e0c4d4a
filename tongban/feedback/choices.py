"""Choices of the public's voice: English codes, Chinese labels, badge colours."""
from django.db import models


class Level(models.IntegerChoices):
    """The five levels of 好差评 (国办发〔2019〕51号); the value is the score (5 best)."""

    VERY_SATISFIED = 5, "非常满意"
    SATISFIED = 4, "满意"
    BASIC = 3, "基本满意"
    UNSATISFIED = 2, "不满意"
    VERY_UNSATISFIED = 1, "非常不满意"


BAD_LEVELS = (Level.UNSATISFIED, Level.VERY_UNSATISFIED)  # 差评


class RatingKind(models.TextChoices):
    CASE = "case", "一事一评"
    VISIT = "visit", "一次一评"


class RatingChannel(models.TextChoices):
    WINDOW = "window", "窗口评价器"
    WEB = "web", "网上查询页"
    QR = "qr", "通知书二维码"
    DEFAULT = "default", "默认评价"


class RatingTag(models.TextChoices):
    OVERDUE = "overdue", "超时限未说明理由"
    COME_AGAIN = "come_again", "多次跑、反复要求补材料"
    ATTITUDE = "attitude", "服务态度差"
    UNCLEAR_GUIDE = "unclear_guide", "办事指南不清楚"
    LONG_WAIT = "long_wait", "排队等候时间长"
    EXTRA_MATERIAL = "extra_material", "要求提供清单外材料"
    SYSTEM = "system", "系统故障、网办不畅"
    OTHER = "other", "其他"


class Classification(models.TextChoices):
    """How a 差评 (or an unsatisfied callback) is classified after calling the applicant back."""

    FIX_NOW = "fix_now", "属实，可立即整改"
    NEEDS_TIME = "needs_time", "属实，需限期整改"
    NO_BASIS = "no_basis", "诉求无政策依据，做好解释"
    MALICIOUS = "malicious", "恶意差评，可申诉"


UPHELD = (Classification.FIX_NOW, Classification.NEEDS_TIME)


class HandlingStatus(models.TextChoices):
    """One loop for a 差评, a complaint and an unsatisfied callback."""

    NEW = "new", "待处理"
    ASSIGNED = "assigned", "已交办"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已办结"


HANDLING_STATUS_COLORS = {
    HandlingStatus.NEW: "danger",
    HandlingStatus.ASSIGNED: "warning",
    HandlingStatus.ANSWERED: "info",
    HandlingStatus.CLOSED: "success",
}
OPEN_HANDLING = (HandlingStatus.NEW, HandlingStatus.ASSIGNED, HandlingStatus.ANSWERED)


class AppealStatus(models.TextChoices):
    NONE = "", "无"
    PENDING = "pending", "申诉待复核"
    UPHELD = "upheld", "申诉成立（不计入统计）"
    REJECTED = "rejected", "申诉不成立"


class ComplaintChannel(models.TextChoices):
    WEB = "web", "吐槽找茬"
    HOTLINE = "hotline", "12345 热线"
    WINDOW = "window", "窗口登记"


class ComplaintCategory(models.TextChoices):
    CANNOT_GET_DONE = "cannot_get_done", "办不成事"
    ENTERPRISE = "enterprise", "涉企投诉"
    PAIN_POINT = "pain_point", "堵点痛点"
    ATTITUDE = "attitude", "服务态度"
    EFFICIENCY = "efficiency", "办事效率"
    OTHER = "other", "其他"


VISIT_REQUIRED = (ComplaintCategory.CANNOT_GET_DONE, ComplaintCategory.ENTERPRISE)  # 上门回访 before closing


class HotlineUrgency(models.TextChoices):
    ORDINARY = "ordinary", "一般"
    COMPLEX = "complex", "复杂"
    URGENT = "urgent", "紧急"


class CallbackOutcome(models.TextChoices):
    PENDING = "pending", "待回访"
    SATISFIED = "satisfied", "满意"
    UNSATISFIED = "unsatisfied", "不满意"
    UNREACHED = "unreached", "未接通"


class CallbackMethod(models.TextChoices):
    PHONE = "phone", "电话回访"
    ONSITE = "onsite", "现场问卷"
    ONLINE = "online", "网上评价"
    FIELD = "field", "实地走访"
