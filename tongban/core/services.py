"""Write helpers every domain service uses."""
from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

from tongban.core.error_codes import ErrorCode, service_error
from tongban.core.models import VersionedModel

V = TypeVar("V", bound=VersionedModel)


def update_versioned(obj: V, *, expected_version: int | None, changes: dict[str, Any]) -> V:
    """Apply `changes` to `obj` only if nobody saved it since `expected_version`.

    The row is locked (SELECT ... FOR UPDATE on PostgreSQL; SQLite runs write transactions
    IMMEDIATE, so they are serialised) and saved through `save()` so the audit log sees the change.
    """
    model: type[models.Model] = type(obj)
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=obj.pk)
        if expected_version is not None and current.version != expected_version:
            raise service_error(ErrorCode.STALE_VERSION, current=current.version, expected=expected_version)
        for field, value in changes.items():
            setattr(current, field, value)
        current.version = current.version + 1
        current.full_clean()
        current.save()
    for field, value in changes.items():
        setattr(obj, field, value)
    obj.version = current.version
    return current
