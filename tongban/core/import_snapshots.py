"""Imports that never silently undo what a person entered in tongban.

Every import (the ledger, the org workbook, the catalogue workbook) remembers what it wrote into each
record (`core.models.ImportSnapshot`: field → value). On the next import, for every field whose value in
the file differs from tongban's:

* tongban's value equals what the last import wrote → nobody touched it since: the file's value applies;
* it differs → it was **edited in tongban since the last import**: tongban's value is kept and the field
  is reported as a conflict, unless the user takes the file's value for that field (`TakeFileValues`,
  "measure 12: deadline") or for all.

A record no import has written yet (made in tongban, or imported before snapshots existed) has no
snapshot: a field then counts as edited when the change log (django-auditlog) records an update of it,
i.e. someone changed it after the record was created. Callers may add their own knowledge for values
that are not plain fields (a measure's units, a unit's aliases) with `extra_edited`.

    baseline = Baseline(Measure, pks)
    change = baseline.compare(pk, "deadline", "完成时限", current, incoming, take, show=str)
    ...
    baseline.remember({pk: incoming_values}, by=user)     # after writing: only rows that changed
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from tongban.core.models import ImportSnapshot


_PLAIN = (str, int, bool, float, type(None))


def to_json(value: Any) -> Any:
    """A value as the snapshot stores it: records by pk, dates as ISO text, sets as sorted lists."""
    if type(value) in _PLAIN:
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted((to_json(v) for v in value), key=lambda v: (str(type(v)), v))
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


@dataclass(frozen=True)
class TakeFileValues:
    """Which conflicting fields take the file's value: all of them, or those named "pk:field"."""

    all: bool = False
    fields: frozenset[str] = frozenset()

    def takes(self, pk: Any, name: str) -> bool:
        return self.all or f"{pk}:{name}" in self.fields

    def as_json(self) -> dict:
        return {"all": self.all, "fields": sorted(self.fields)}

    @classmethod
    def from_json(cls, data: dict | None) -> TakeFileValues:
        data = data or {}
        return cls(all=bool(data.get("all")), fields=frozenset(str(f) for f in data.get("fields") or ()))


KEEP_ALL = TakeFileValues()


@dataclass
class FieldChange:
    """One field the file would change: tongban's value (`old`) and the file's (`new`), as shown."""

    pk: Any
    field: str
    label: str
    old: str
    new: str
    edited: bool  # edited in tongban since the last import
    taken: bool  # the file's value applies (always when not edited; when edited, only if chosen)
    ref: str = ""  # how the user names the record in a choice ("12", "单位:center"); the pk by default

    @property
    def key(self) -> str:
        return f"{self.ref or self.pk}:{self.field}"

    @property
    def conflict(self) -> bool:
        """Edited in tongban and kept: what the preview lists as a conflict."""
        return self.edited and not self.taken

    def as_json(self) -> dict:
        return {"field": self.field, "label": self.label, "old": self.old, "new": self.new,
                "edited": self.edited, "taken": self.taken, "key": self.key}


def _show(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, list, tuple)):
        return "、".join(sorted(str(v) for v in value))
    return str(value)


class Baseline:
    """What the last import wrote into some records of one model, loaded in one query."""

    def __init__(self, model: type[models.Model], pks: Iterable[Any] = (),
                 extra_edited: Callable[[Any, str], bool | None] | None = None) -> None:
        self.model = model
        self.content_type = ContentType.objects.get_for_model(model)
        self.snapshots: dict[Any, dict] = {}
        self._logged: dict[str, set[str]] = {}
        self._log_read: set[str] = set()
        self.extra_edited = extra_edited
        self.load(pks)

    def load(self, pks: Iterable[Any]) -> None:
        pks = [pk for pk in pks if pk is not None and pk not in self.snapshots]
        for start in range(0, len(pks), 5000):
            for object_id, values in ImportSnapshot.objects.filter(
                    content_type=self.content_type, object_id__in=pks[start:start + 5000]).values_list(
                    "object_id", "values"):
                self.snapshots[object_id] = values

    def snapshot(self, pk: Any) -> dict | None:
        return self.snapshots.get(pk)

    def prefetch_log(self, pks: Iterable[Any]) -> None:
        """Read, in one query, which fields the change log shows updated for those of `pks` that have
        no snapshot (call it before comparing many records)."""
        from auditlog.models import LogEntry

        missing = [str(pk) for pk in pks if pk not in self.snapshots and str(pk) not in self._log_read]
        self._log_read.update(missing)
        for start in range(0, len(missing), 5000):
            entries = LogEntry.objects.filter(content_type=self.content_type, action=LogEntry.Action.UPDATE,
                                              object_pk__in=missing[start:start + 5000])
            for object_pk, changes in entries.values_list("object_pk", "changes"):
                if isinstance(changes, dict):
                    self._logged.setdefault(object_pk, set()).update(changes)

    def edited(self, pk: Any, name: str, current: Any) -> bool:
        """Was `name` edited in tongban since the last import of record `pk`?"""
        snapshot = self.snapshots.get(pk)
        if snapshot is not None and name in snapshot:
            return to_json(current) != snapshot[name]
        if self.extra_edited is not None:
            verdict = self.extra_edited(pk, name)
            if verdict is not None:
                return verdict
        self.prefetch_log([pk])
        logged = self._logged.get(str(pk), set())
        return name in logged or (name.endswith("_id") and name[:-3] in logged)

    def compare(self, pk: Any, name: str, label: str, current: Any, incoming: Any,
                take: TakeFileValues = KEEP_ALL, show: Callable[[Any], str] = _show,
                ref: str = "") -> FieldChange | None:
        """The change the file asks for in one field, or None when it says what tongban says. `ref`
        names the record in the user's choices ("单位:center:phone"); the pk by default."""
        if type(current) is type(incoming) and type(current) in _PLAIN:
            if current == incoming:
                return None
        elif to_json(current) == to_json(incoming):
            return None
        edited = self.edited(pk, name, current)
        return FieldChange(pk=pk, field=name, label=label, old=show(current), new=show(incoming), edited=edited,
                           taken=not edited or take.takes(ref or pk, name), ref=ref)

    def remember(self, values_by_pk: dict[Any, dict], *, by=None) -> int:
        """Store what this import wrote (the file's values, kept conflicts included: they are what the
        file says). Rows equal to the stored snapshot are not written again; returns how many were."""
        now = timezone.now()
        importer = by if getattr(by, "is_authenticated", False) else None
        rows = []
        for pk, values in values_by_pk.items():
            stored = {name: to_json(value) for name, value in values.items()}
            if self.snapshots.get(pk) == stored:
                continue
            self.snapshots[pk] = stored
            rows.append(ImportSnapshot(content_type=self.content_type, object_id=pk, values=stored,
                                       imported_at=now, by=importer))
        ImportSnapshot.objects.bulk_create(
            rows, batch_size=500, update_conflicts=True, unique_fields=["content_type", "object_id"],
            update_fields=["values", "imported_at", "by"],
        )
        return len(rows)

    def forget(self, pks: Iterable[Any]) -> None:
        """Records an import deleted: their snapshots go with them."""
        pks = list(pks)
        if pks:
            ImportSnapshot.objects.filter(content_type=self.content_type, object_id__in=pks).delete()


@dataclass
class RecordChanges:
    """The changes one record would get: for the preview, the CLI and the result."""

    pk: Any
    label: str
    row: int | str | None = None
    sheet: str = ""
    fields: list[FieldChange] = field(default_factory=list)

    @property
    def applied(self) -> list[FieldChange]:
        return [f for f in self.fields if f.taken]

    @property
    def conflicts(self) -> list[FieldChange]:
        return [f for f in self.fields if f.conflict]

    def as_json(self) -> dict:
        return {"pk": self.pk, "label": self.label, "row": self.row, "sheet": self.sheet,
                "fields": [f.as_json() for f in self.fields]}


def change_lines(changes: list[dict]) -> list[str]:
    """The command line's account of what an import changes or keeps, one line per field, with the
    option that takes the file's value for a kept one."""
    lines = []
    for change in changes:
        where = " ".join(part for part in (f"工作表“{change['sheet']}”" if change.get("sheet") else "",
                                           f"第 {change['row']} 行" if change.get("row") else "",
                                           change.get("label", "")) if part)
        for f in change["fields"]:
            if f["taken"]:
                note = "（采用文件中的值）" if f["edited"] else ""
                lines.append(f"更新：{where}〔{f['label']}〕{f['old'] or '—'} → {f['new'] or '—'}{note}")
            else:
                lines.append(f"冲突：{where}〔{f['label']}〕导入后在系统中修改过，保留系统值 {f['old'] or '—'}，"
                             f"文件中为 {f['new'] or '—'}；采用文件中的值：--take {f['key']}")
    return lines


def take_option(take_all: bool, keys: list[str]) -> TakeFileValues:
    """`--take-file-values` and `--take KEY` of the import commands."""
    return TakeFileValues(all=take_all, fields=frozenset(keys))
