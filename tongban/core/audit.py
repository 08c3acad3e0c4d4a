"""One way to put a model under django-auditlog, so every app's history looks the same."""
from __future__ import annotations

from collections.abc import Iterable

from django.db import models

BOOKKEEPING = ("updated_at",)


def audit(model: type[models.Model], *, exclude: Iterable[str] = (), m2m: Iterable[str] = ()) -> None:
    """Register `model` with auditlog.

    Reverse relations (a unit's `windows`, an item's `materials`) are not fields of the record, and
    auditlog would log each of them as "None" on every create: they are always excluded, as are
    bookkeeping columns.
    """
    from auditlog.registry import auditlog

    reverse = [f.name for f in model._meta.get_fields() if f.auto_created and not f.concrete]
    auditlog.register(model, exclude_fields=[*BOOKKEEPING, *exclude, *reverse], m2m_fields=set(m2m))
