"""The timeline of one record: field diffs from django-auditlog merged with domain events, in words people
use — choice labels, related records' names, people's names (never login names) — with no rows where
nothing changed and one entry for the record's creation."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from tongban.history.models import DomainEvent
from tongban.org.people import person_name


@dataclass
class TimelineEntry:
    at: datetime
    actor: str
    kind: str  # "event" or "change"
    code: str
    message: str
    changes: list[tuple[str, str | None, str]]  # (field label, old, new); old is None for a value set at creation


HIDDEN_FIELDS = {"version", "updated_at", "created_at", "path", "depth", "id"}
# Keys that exist for URLs and the page's look, never a fact a reader checks: users see names (GLOSSARY).
HIDDEN_FIELDS_OF = {"catalog.bundle": {"slug", "icon"}}
ACTIONS = {LogEntry.Action.CREATE: "创建", LogEntry.Action.UPDATE: "修改", LogEntry.Action.DELETE: "删除"}
M2M_OPERATIONS = {"add": "增加", "delete": "移除"}
EMPTY = "（空）"
# A record's creation is saved and its domain event recorded in the same transaction, moments apart.
CREATION_EVENT_WINDOW = timedelta(seconds=10)


def _field(model: type[models.Model], name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _field_label(model: type[models.Model], name: str) -> str:
    field = _field(model, name)
    return str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name


def _points_to_a_person(field) -> bool:
    """A foreign key to a login account names a person (申请销号人, 销号人…); a one-to-one to it is the
    record's own login (a staff member's 登录账号), which is shown as the login it is."""
    return (
        isinstance(field, models.ForeignKey) and not isinstance(field, models.OneToOneField)
        and field.related_model is not None
        and field.related_model._meta.label == settings.AUTH_USER_MODEL
    )


def _people(model: type[models.Model], logs: list[LogEntry]) -> dict[str, str]:
    """Account id → person's name for every account the logs point to, in one query."""
    ids = set()
    for log in logs:
        for name, value in (log.changes_dict or {}).items():
            field = _field(model, name)
            if field is not None and _points_to_a_person(field) and isinstance(value, list):
                ids.update(v for v in value if v not in (None, "None", ""))
    users = get_user_model().objects.filter(pk__in=ids).select_related("staff")
    return {str(user.pk): person_name(user) for user in users}


def _show(value) -> str:
    if value in (None, "None", ""):
        return EMPTY
    return {"True": "是", "False": "否"}.get(str(value), str(value))


def _changes(model: type[models.Model], log: LogEntry, people: dict[str, str], *, creation: bool) -> list:
    display = log.changes_display_dict  # choice labels, localised dates, related records' names
    rows = []
    for name, value in (log.changes_dict or {}).items():
        if name in HIDDEN_FIELDS or name in HIDDEN_FIELDS_OF.get(model._meta.label_lower, ()):
            continue
        label = _field_label(model, name)
        if isinstance(value, dict):  # many-to-many: {"type": "m2m", "operation": "add", "objects": [...]}
            objects = "、".join(str(o) for o in value.get("objects", []))
            if objects:
                rows.append((label, None, f"{M2M_OPERATIONS.get(value.get('operation'), '变更')}：{objects}"))
            continue
        field = _field(model, name)
        if field is not None and _points_to_a_person(field):
            old, new = (people.get(str(v), v) for v in value)
        else:
            old, new = (list(display.get(label, display.get(name, value))) + ["", ""])[:2]
        old, new = _show(old), _show(new)
        if creation:
            if new != EMPTY:
                rows.append((label, None, new))
        elif old != new:  # "（空）→（空）" and the like: nothing a reader would call a change
            rows.append((label, old, new))
    return rows


def _creation_event(events: list[DomainEvent], creation: LogEntry | None) -> DomainEvent | None:
    """The domain event that tells of the record's creation (e.g. "新增整改措施"): its "…created" event, or
    else its first event, recorded with the creation in the same transaction."""
    if creation is None:
        return None
    created = [event for event in events if event.code.endswith(".created")]
    if created:
        return min(created, key=lambda event: (event.at, event.pk))
    first = min(events, key=lambda event: (event.at, event.pk), default=None)
    if first is not None and creation.timestamp <= first.at <= creation.timestamp + CREATION_EVENT_WINDOW:
        return first
    return None


def _hidden_related(events: list[DomainEvent], user) -> set[tuple[int, str]]:
    """The (content type, id) of records named by `events` (`data["related"]`) that `user` may not see:
    one query per kind of related record."""
    wanted: dict[int, set[str]] = {}
    for event in events:
        ref = (event.data or {}).get("related") if isinstance(event.data, dict) else None
        if isinstance(ref, dict) and "type" in ref and "id" in ref:
            wanted.setdefault(int(ref["type"]), set()).add(str(ref["id"]))
    hidden = set()
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        queryset = model._default_manager.filter(pk__in=ids) if model else None
        if queryset is None or not hasattr(queryset, "visible_to"):
            hidden |= {(type_id, pk) for pk in ids}  # a record nobody can be scoped to is shown to no one
            continue
        seen = {str(pk) for pk in queryset.visible_to(user).values_list("pk", flat=True)}
        hidden |= {(type_id, pk) for pk in ids - seen}
    return hidden


def timeline_for(obj: models.Model, user=None, limit: int = 100) -> list[TimelineEntry]:
    """`obj`'s history. With `user`, events about another record (`related`) the user may not see are
    left out: the timeline never shows more than the scope layer would."""
    model = type(obj)
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    events = list(
        DomainEvent.objects.filter(content_type=content_type, object_id=str(obj.pk)).select_related("actor__staff")[:limit]
    )
    logs = list(
        LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk))
        .select_related("actor__staff", "content_type")[:limit]
    )
    people = _people(model, logs)
    creation = next((log for log in logs if log.action == LogEntry.Action.CREATE), None)
    creation_event = _creation_event(events, creation)
    entries: list[TimelineEntry] = []
    hidden = _hidden_related(events, user) if user is not None else set()
    for event in events:
        ref = event.data.get("related") if isinstance(event.data, dict) else None
        if isinstance(ref, dict) and (int(ref.get("type", 0)), str(ref.get("id"))) in hidden:
            continue
        changes, actor = [], event.actor
        if event is creation_event:  # one entry for the creation: the event's words, the initial values
            changes = _changes(model, creation, people, creation=True)
            actor = actor or creation.actor
        entries.append(TimelineEntry(event.at, person_name(actor), "event", event.code, event.message, changes))
    for log in logs:
        if log is creation and creation_event is not None:
            continue
        changes = _changes(model, log, people, creation=log.action == LogEntry.Action.CREATE)
        if log.action == LogEntry.Action.UPDATE and not changes:
            continue
        entries.append(TimelineEntry(log.timestamp, person_name(log.actor), "change", f"audit.{log.action}",
                                     ACTIONS.get(log.action, "变更"), changes))
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]
