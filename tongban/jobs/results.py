"""What a job's result says, in Chinese: jobs return plain dicts with English keys (stored as JSON, read by the
API and the CLI as they are); the run page shows each figure under its label. Apps add labels of their own keys
with `register_labels({...})` next to their jobs; a key without a label is shown as it is."""
from __future__ import annotations

LABELS: dict[str, str] = {
    # common
    "value": "结果", "reason": "原因", "sent": "已发送", "failed": "发送失败", "given_up": "已停止重试",
    "notified": "已通知", "created": "新建", "deleted": "已删除", "before": "截止日期",
    # notifications
    "without_email": "无邮箱未发送", "already_sent": "本周已发送过", "digests_deleted": "删除的摘要记录",
    # catalogue, calendar
    "expiring": "即将到期的资质", "provisional_years": "临时推算的年份",
}


def register_labels(labels: dict[str, str]) -> None:
    LABELS.update(labels)


def label(key: str) -> str:
    return LABELS.get(key, key)


def readable(value):
    """True / False / lists and nested rows, as a person reads them."""
    if value is True:
        return "是"
    if value is False:
        return "否"
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return "；".join(str(readable(item)) for item in value)
    if isinstance(value, dict):
        return "，".join(f"{label(k)} {readable(v)}" for k, v in value.items())
    return value


def result_rows(result: dict) -> list[tuple[str, object]]:
    """[(label, value)] for the run page."""
    return [(label(key), readable(value)) for key, value in (result or {}).items()]
