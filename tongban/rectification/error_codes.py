"""Stable error codes of the rectification loop, with the one Chinese message every surface shows."""
from __future__ import annotations

from django.core.exceptions import ValidationError

from django.db import models

from tongban.core.error_codes import service_error


class RectificationError(models.TextChoices):
    BAD_TRANSITION = "measure_bad_transition", "整改措施当前状态为“{status}”，不能{action}。"
    EVIDENCE_REQUIRED = "measure_evidence_required", "申请销号前请至少上传一份佐证材料。"
    EVIDENCE_SINCE_RETURN = "measure_evidence_since_return", "该措施被退回（或回头看后重新整改）后尚未上传新的佐证材料，请上传后再申请销号。"
    SELF_VERIFY = "measure_self_verify", "不能审核自己提交的销号申请，须由其他人员审核销号。"
    REASON_REQUIRED = "measure_reason_required", "退回时必须说明理由。"
    PROGRESS_TEXT_REQUIRED = "measure_progress_text_required", "请填写整改进展情况。"
    NOT_ONGOING = "measure_not_ongoing", "只有“长期坚持”的整改措施才按时间节点报告。"
    CHECKPOINT_DONE = "checkpoint_already_reported", "时间节点 {due} 已于 {reported} 报告，不能重复报告。"
    CHECKPOINT_OTHER_MEASURE = "checkpoint_other_measure", "该时间节点不属于这项整改措施。"
    DEADLINE_REQUIRED = "measure_deadline_required", "“限期完成”的整改措施必须填写完成时限。"
    CHECKPOINTS_ONLY_ONGOING = "measure_checkpoints_only_ongoing", "只有“长期坚持”的整改措施可以设置时间节点。"
    LEAD_UNIT_TWICE = "measure_lead_unit_twice", "牵头单位“{unit}”不能同时作为协调或配合单位。"
    SOURCE_MISMATCH = "measure_source_mismatch", "来源为“巡察反馈问题”的整改措施必须关联反馈问题；其他来源不能关联反馈问题。"
    REVISIT_NOT_VERIFIED = "revisit_not_verified", "只有“已整改到位”的整改措施才能安排回头看。"
    REVISIT_DONE = "revisit_already_done", "该次回头看已于 {done} 完成。"
    REVISIT_DONE_FUTURE = "revisit_done_in_future", "回头看完成日期不能晚于今天（{today}）。"
    REOPEN_DEADLINE = "revisit_new_deadline_required", "群众不满意需要重新整改时，必须给出新的完成时限（晚于今天）。"
    ACCOUNTABILITY_TARGET = "accountability_target", "问责对象须为一名工作人员或一个单位（二选一）。"
    ACCOUNTABILITY_MEASURES = "accountability_measures", "问责记录须至少关联一项整改措施。"
    EVIDENCE_EMPTY = "evidence_empty", "文件“{name}”是空文件。"
    EVIDENCE_TYPE = "evidence_type", "文件“{name}”的类型不受支持，请上传 {allowed} 文件。"
    EVIDENCE_MAGIC = "evidence_magic", "文件“{name}”的内容与扩展名“{ext}”不符，请上传真实的 {ext} 文件。"
    EVIDENCE_SIZE = "evidence_size", "文件“{name}”过大：{size_mb} MB，上限为 {limit_mb} MB。"
    FINDING_OTHER_INSPECTION = "finding_other_inspection", "所选方面不属于该次巡察。"
    IMPORT_NO_INSPECTION = "ledger_no_inspection", "请指定导入到哪一次巡察（--inspection），或在台账标题中写明巡察名称。"
    IMPORT_EMPTY = "ledger_empty", "台账中没有任何整改措施行。"
    SIGNAL_DECIDED = "signal_already_decided", "这条提示已由{by}于{at}处理（{status}）。"
    SIGNAL_REASON_REQUIRED = "signal_reason_required", "请写明核查情况或处理理由。"
    SIGNAL_BAD_DECISION = "signal_bad_decision", "未知的处理方式。"
    SIGNAL_REVISIT_DATE = "signal_revisit_date_required", "安排回头看请选择日期。"


def rect_error(code: RectificationError, **params) -> ValidationError:
    """A ValidationError with a stable code and the formatted Chinese message."""
    return service_error(RectificationError(code), **params)
