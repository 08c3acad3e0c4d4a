from __future__ import annotations

from typing import Any, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from tongban.history.models import DomainEvent


def _actor(by):
    from tongban.core.audit import current_actor

    return by if getattr(by, "is_authenticated", False) else current_actor()


def related_ref(obj: models.Model) -> dict:
    """How an event names the other record it is about (see `record_event(related=…)`)."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return {"type": content_type.pk, "id": str(obj.pk)}


def record_event(obj: models.Model, code: str, message: str, *, by=None, related: models.Model | None = None,
                 **data: Any) -> DomainEvent:
    """Append one event to `obj`'s timeline. `code` is stable (e.g. "org.unit.moved"); `message` is
    the Chinese sentence the timeline shows. Without `by`, the event is the current actor's (see
    `core.audit.current_actor`: the request's user, the command line's named user, the system account).

    `related` names another record the event tells about (the accountability recorded on a measure):
    a reader of `obj`'s timeline sees the event only if they may also see that record."""
    actor = _actor(by)
    if related is not None:
        data["related"] = related_ref(related)
    return DomainEvent.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        code=code,
        message=message,
        actor=actor,
        data=data,
    )


def record_events(objs: Iterable[models.Model], code: str, message: str, *, by=None, **data: Any) -> int:
    """The same event on many records in one INSERT batch (imports of thousands of rows)."""
    objs = list(objs)
    if not objs:
        return 0
    actor = _actor(by)
    content_type = ContentType.objects.get_for_model(objs[0], for_concrete_model=False)
    events = [
        DomainEvent(content_type=content_type, object_id=str(obj.pk), code=code, message=message, actor=actor, data=data)
        for obj in objs
    ]
    DomainEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)


def events_for(obj: models.Model) -> models.QuerySet[DomainEvent]:
    return DomainEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), object_id=str(obj.pk)
    ).select_related("actor")
