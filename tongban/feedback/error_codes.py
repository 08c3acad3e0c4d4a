"""Stable error codes of the public's voice, with the one Chinese message every surface shows."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from tongban.core.error_codes import service_error


class FeedbackError(models.TextChoices):
    BAD_TOKEN = "feedback_bad_token", "评价链接无效或已过期，请在办件进度查询页重新打开评价。"
    NOT_FINISHED = "feedback_not_finished", "办件“{number}”尚未办结，办结后才能评价。"
    ALREADY_RATED = "feedback_already_rated", "办件“{number}”已经评价过了（一事一评），谢谢您。"
    VISIT_RATED = "feedback_visit_rated", "这次来办（{on}）已经评价过了（一次一评），谢谢您。"
    BAD_LEVEL = "feedback_bad_level", "请选择评价等级。"
    TAGS_REQUIRED = "feedback_tags_required", "请至少选择一个不满意的原因，便于我们整改。"
    BAD_TRANSITION = "feedback_bad_transition", "当前处理状态为“{status}”，不能{action}。"
    CALL_FIRST = "feedback_call_first", "实名差评须先回访申请人、记录回访情况，再分类交办。"
    UNIT_REQUIRED = "feedback_unit_required", "请选择承办单位。"
    CLASS_REQUIRED = "feedback_class_required", "请选择分类。"
    TEXT_REQUIRED = "feedback_text_required", "请填写{what}。"
    VISIT_REQUIRED = "feedback_visit_required", "“{category}”须先上门回访并记录情况，才能办结。"
    APPEAL_NOT_ALLOWED = "feedback_appeal_not_allowed", "只有分类为“恶意差评”或“诉求无政策依据”的差评可以申诉。"
    APPEAL_NOT_PENDING = "feedback_appeal_not_pending", "这条差评没有待复核的申诉。"
    TOO_MANY = "feedback_too_many", "提交过于频繁，请一小时后再试，或拨打 12345。"
    NAME_OR_PHONE = "feedback_name_or_phone", "实名提交请填写姓名和联系电话；不愿留名请勾选“匿名”。"
    DUPLICATE_ORDER = "feedback_duplicate_order", "12345 工单号“{order}”已存在。"
    BAD_MONTH = "feedback_bad_month", "月份“{value}”无效，请按 2026-11 的格式填写。"
    NOT_CALLBACK = "feedback_not_callback", "这条回访已记录为“{outcome}”，不能再记录。"
    NOT_HOTLINE = "feedback_not_hotline", "只有 12345 工单的答复需要回传热线平台。"
    ALREADY_RETURNED = "feedback_already_returned", "这张工单的答复已于 {at} 回传 12345 平台。"
    CALLBACK_ANSWERED = "feedback_callback_answered", "这次回访已经答复过了（{outcome}），谢谢您。"
    BAD_CALLBACK_LINK = "feedback_bad_callback_link", "回访链接无效或已重新生成，请与回访人员联系，或拨打 12345。"
    CHOOSE_SATISFIED = "feedback_choose_satisfied", "请选择“满意”或“不满意”。"
    SHARE_RANGE = "feedback_share_range", "回访比例须在 30%—50% 之间（现为 {share}%）。"


def feedback_error(code: FeedbackError, **params) -> ValidationError:
    return service_error(code, **params)
