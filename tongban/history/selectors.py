"""The timeline of one record: field diffs from django-auditlog merged with domain events."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models

from tongban.history.models import DomainEvent


@dataclass
class TimelineEntry:
    at: datetime
    actor: str
    kind: str  # "event" or "change"
    code: str
    message: str
    changes: list[tuple[str, str, str]]  # (field label, old, new)


HIDDEN_FIELDS = {"version", "updated_at", "created_at", "path", "depth", "id"}
ACTIONS = {LogEntry.Action.CREATE: "创建", LogEntry.Action.UPDATE: "修改", LogEntry.Action.DELETE: "删除"}


def _field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def timeline_for(obj: models.Model, limit: int = 100) -> list[TimelineEntry]:
    model = type(obj)
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    entries: list[TimelineEntry] = []
    events = DomainEvent.objects.filter(content_type=content_type, object_id=str(obj.pk)).select_related("actor")
    for event in events[:limit]:
        entries.append(TimelineEntry(event.at, _who(event.actor), "event", event.code, event.message, []))
    logs = LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk)).select_related("actor", "content_type")
    for log in logs[:limit]:
        # auditlog's display dict gives choice labels, localised dates and related objects' names,
        # keyed by verbose name; the raw dict tells us which fields are bookkeeping.
        display = log.changes_display_dict
        changes = []
        for field in log.changes_dict or {}:
            if field in HIDDEN_FIELDS:
                continue
            label = _field_label(model, field)
            old, new = (list(display.get(label, display.get(field, log.changes_dict[field]))) + ["", ""])[:2]
            changes.append((label, _show(old), _show(new)))
        if log.action == LogEntry.Action.UPDATE and not changes:
            continue
        entries.append(TimelineEntry(log.timestamp, _who(log.actor), "change", f"audit.{log.action}", ACTIONS.get(log.action, "变更"), changes))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def _who(user) -> str:
    if user is None:
        return "系统"
    return user.first_name or user.username


def _show(value) -> str:
    if value in (None, "None", ""):
        return "（空）"
    return {"True": "是", "False": "否"}.get(str(value), str(value))
