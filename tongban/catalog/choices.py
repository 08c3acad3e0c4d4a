"""Choices of the catalogue: English codes, Chinese labels (colours where a badge shows them)."""
from django.db import models


class ItemType(models.TextChoices):
    LICENSING = "licensing", "行政许可"
    CONFIRMATION = "confirmation", "行政确认"
    ADJUDICATION = "adjudication", "行政裁决"
    PAYMENT = "payment", "行政给付"
    REWARD = "reward", "行政奖励"
    FILING = "filing", "行政备案"
    OTHER_POWER = "other_power", "其他行政权力"
    PUBLIC_SERVICE = "public_service", "公共服务"


class ItemLevel(models.TextChoices):
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡镇级"
    VILLAGE = "village", "村级"


class ResultKind(models.TextChoices):
    LICENCE = "licence", "证照"
    CERTIFICATE = "certificate", "证明/批文"
    OTHER = "other", "其他"


class CaseKind(models.TextChoices):
    IMMEDIATE = "immediate", "即办件"
    PROMISED = "promised", "承诺件"
    JOINT = "joint", "联办件"
    REPORTED = "reported", "上报件"


class Channel(models.TextChoices):
    """Stored on the item as four booleans (via_window …), so every database can filter on them."""

    WINDOW = "window", "窗口办理"
    ONLINE = "online", "网上办理"
    MOBILE = "mobile", "掌上办理"
    OUTLET = "outlet", "网点办理"


class SpecialStepKind(models.TextChoices):
    """行政许可法 §45: time for these does not count towards the limit."""

    HEARING = "hearing", "听证"
    TENDER = "tender", "招标"
    AUCTION = "auction", "拍卖"
    INSPECTION = "inspection", "检验"
    TESTING = "testing", "检测"
    QUARANTINE = "quarantine", "检疫"
    APPRAISAL = "appraisal", "鉴定"
    EXPERT_REVIEW = "expert_review", "专家评审"
    SITE_CHECK = "site_check", "现场核查"
    OTHER = "other", "其他"


class DataType(models.TextChoices):
    TEXT = "text", "文本"
    NUMBER = "number", "数字"
    DATE = "date", "日期"
    ID_NUMBER = "id_number", "证件号码"
    PHONE = "phone", "电话"
    ADDRESS = "address", "地址"
    CHOICE = "choice", "选项"


class Audience(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    CITIZEN = "citizen", "个人"


class DelegationMode(models.TextChoices):
    ENTRUSTED = "entrusted", "委托下发"
    WINDOW_FORWARD = "window_forward", "窗口前移"


class IntermediaryStatus(models.TextChoices):
    REGISTERED = "registered", "在册"
    RECTIFYING = "rectifying", "限期整改"
    EXPELLED = "expelled", "清退"


INTERMEDIARY_STATUS_COLORS = {
    IntermediaryStatus.REGISTERED: "success",
    IntermediaryStatus.RECTIFYING: "warning",
    IntermediaryStatus.EXPELLED: "danger",
}


class NegativeReason(models.TextChoices):
    """三集中三到位 gaps, one per boolean on the item, plus what staff record by hand."""

    NOT_CONCENTRATED = "not_concentrated", "事项未进驻中心（未集中）"
    NOT_AUTHORISED = "not_authorised", "审批未授权窗口（授权未到位）"
    NOT_AT_WINDOW = "not_at_window", "未在窗口办理（办理未到位）"
    OTHER = "other", "其他"


class NegativeSource(models.TextChoices):
    COMPUTED = "computed", "目录比对"
    MANUAL = "manual", "人工录入"


class ConsistencyElement(models.TextChoices):
    """The standard elements "两级十同" compares; which of them must agree is a setting."""

    NAME = "name", "事项名称"
    ITEM_TYPE = "item_type", "事项类型"
    LEGAL_BASIS = "legal_basis", "设定依据"
    CONDITIONS = "conditions", "受理条件"
    MATERIALS = "materials", "申请材料"
    STATUTORY_DAYS = "statutory_days", "法定时限"
    PROMISED_DAYS = "promised_days", "承诺时限"
    FEES = "fees", "收费标准"
    RESULT = "result", "办理结果"
    CASE_KIND = "case_kind", "办件类型"
    VISITS_ON_SITE = "visits_on_site", "到现场次数"
    CHANNELS = "channels", "办理渠道"


DEFAULT_CONSISTENCY_ELEMENTS = [
    "name", "item_type", "legal_basis", "conditions", "materials",
    "statutory_days", "promised_days", "fees", "result", "case_kind",
]
