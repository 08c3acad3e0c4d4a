"""Stable error codes of the assessment app and their Chinese sentences (the page, the API and the CLI show
the same)."""
from django.core.exceptions import ValidationError

MESSAGES = {
    "no_scheme": "{month}没有在用的考核方案，请先导入或新建考核方案。",
    "month_locked": "{month}的考核结果已锁定，不能再修改。",
    "objection_closed": "申诉期已过（截止 {until}），不能再申诉。",
    "objection_reason_required": "请填写申诉理由。",
    "objection_not_yours": "只有被考核单位的人员可以对本单位的计分申诉。",
    "objection_exists": "该项计分已有待决定的申诉。",
    "objection_decided": "该申诉已经决定。",
    "objection_over_cap_line": "超过本项上限的各次不计分，无须申诉。",
    "decision_required": "请填写决定意见。",
    "not_office": "只有整改办（考核办）可以决定申诉、录入人工计分、锁定和发布。",
    "pending_objections": "还有 {count} 件申诉待决定，决定后才能锁定。",
    "not_locked": "考核结果锁定后才能发布红黑榜。",
    "manual_evidence_required": "人工计分须上传佐证材料或填写说明。",
    "manual_not_manual": "“{indicator}”是自动计分的指标，不能人工录入。",
    "manual_label_required": "请填写扣（加）分事由。",
    "manual_count_invalid": "次数须为 1 到 100 的整数。",
}


def error(code: str, **params) -> ValidationError:
    return ValidationError(MESSAGES[code].format(**params), code=code)
