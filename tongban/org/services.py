"""Writes to the organisation go through these functions (views, API, CLI and jobs only call them)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr

from tongban.core.error_codes import ErrorCode, service_error
from tongban.core.services import update_versioned
from tongban.history.services import record_event
from tongban.org.models import Staff, Unit, UnitAlias, UnitKind, Window

ALIAS_SEPARATORS = re.compile(r"[、，,;；\n/／]+")


@transaction.atomic
def create_unit(*, code: str, name: str, kind: UnitKind, parent: Unit | None = None, by=None,
                aliases: Iterable[str] | None = None, **fields: Any) -> Unit:
    unit = Unit(code=code, name=name, kind=kind, parent=parent, **fields)
    unit.full_clean()
    unit.save()
    record_event(unit, "org.unit.created", f"新建单位“{unit.name}”", by=by)
    if aliases:
        set_unit_aliases(unit, aliases, by=by)
    return unit


def update_unit(unit: Unit, *, expected_version: int | None, by=None, aliases: Iterable[str] | None = None,
                **changes: Any) -> Unit:
    parent = changes.pop("parent", unit.parent)
    with transaction.atomic():
        unit = update_versioned(unit, expected_version=expected_version, changes=changes)
        if parent != unit.parent:
            unit = move_unit(unit, parent, by=by)
        record_event(unit, "org.unit.updated", f"修改单位“{unit.name}”", by=by, fields=sorted(changes))
        if aliases is not None:
            set_unit_aliases(unit, aliases, by=by)
    return unit


def split_aliases(text: str) -> list[str]:
    """“市场监管局、市监局” → ["市场监管局", "市监局"] (inner spaces dropped, as ledgers pad names)."""
    names = []
    for part in ALIAS_SEPARATORS.split(text or ""):
        part = re.sub(r"\s+", "", part)
        if part and part not in names:
            names.append(part)
    return names


def alias_problem(unit: Unit | None, name: str, *, taken: dict[str, int] | None = None) -> str | None:
    """Why `name` cannot be an alias of `unit` (None if it can): too long, or already another unit's
    name, short name or alias. `taken` (name → unit pk) may be passed to check many names at once."""
    if len(name) > UnitAlias._meta.get_field("name").max_length:
        return f"别名“{name}”过长（最多 60 个字）"
    if taken is None:
        taken = alias_owners([name])
    owner = taken.get(name)
    if owner is not None and (unit is None or owner != unit.pk):
        other = Unit.objects.filter(pk=owner).values_list("name", flat=True).first()
        return f"“{name}”已是单位“{other}”的名称、简称或别名"
    return None


def alias_owners(names: Iterable[str]) -> dict[str, int]:
    """Name → the unit that already answers to it (by full name, short name or alias)."""
    names = set(names)
    owners = {alias.name: alias.unit_id for alias in UnitAlias.objects.filter(name__in=names)}
    for pk, name, short_name in Unit.objects.filter(name__in=names).values_list("pk", "name", "short_name"):
        owners.setdefault(name, pk)
    for pk, short_name in Unit.objects.filter(short_name__in=names).values_list("pk", "short_name"):
        owners.setdefault(short_name, pk)
    return owners


@transaction.atomic
def set_unit_aliases(unit: Unit, names: Iterable[str], *, by=None) -> list[str]:
    """Make `unit`'s aliases exactly `names` (blank ones dropped). Refuses, changing nothing, a name
    that is already another unit's name, short name or alias."""
    names = [n for n in dict.fromkeys(re.sub(r"\s+", "", n) for n in names) if n and n != unit.name]
    owners = alias_owners(names)
    for name in names:
        problem = alias_problem(unit, name, taken=owners)
        if problem:
            raise service_error(ErrorCode.ALIAS_TAKEN, problem=problem)
    current = set(unit.aliases.values_list("name", flat=True))
    if current == set(names):
        return names
    unit.aliases.exclude(name__in=names).delete()
    UnitAlias.objects.bulk_create([UnitAlias(unit=unit, name=name) for name in names if name not in current])
    record_event(unit, "org.unit.aliases", f"单位“{unit.name}”的别名：{'、'.join(names) or '（无）'}", by=by,
                 old=sorted(current), new=names)
    return names


def add_unit_alias(unit: Unit, name: str, *, by=None) -> None:
    """One more alias (the ledger import remembers a name the user mapped to this unit)."""
    names = [*unit.aliases.values_list("name", flat=True), name]
    set_unit_aliases(unit, names, by=by)


def unit_code_for(name: str) -> str:
    """A new unit's code from its name's pinyin initials (县市场监督管理局 → u-xscjdglj), unique."""
    from pypinyin import Style, lazy_pinyin

    letters = "".join(part[:1] for part in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore"))
    base = f"u-{re.sub(r'[^a-z0-9]', '', letters.lower())[:30] or 'unit'}"
    code, number = base, 1
    existing = set(Unit.objects.filter(code__startswith=base).values_list("code", flat=True))
    while code in existing:
        number += 1
        code = f"{base}-{number}"
    return code


@transaction.atomic
def move_unit(unit: Unit, new_parent: Unit | None, *, by=None) -> Unit:
    """Re-hang `unit` (and its subtree) under `new_parent`, rewriting every path in one UPDATE."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if new_parent is not None and new_parent.path.startswith(unit.path):
        raise service_error(ErrorCode.UNIT_CYCLE, unit=unit.name)
    old_path = unit.path
    old_parent = unit.parent
    new_path = f"{new_parent.path if new_parent else '/'}{unit.pk}/"
    unit.parent = new_parent
    unit.save()  # audit log sees the parent change; save() sets the unit's own path
    descendants = Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk)
    descendants.update(path=Concat(Value(new_path), Substr("path", len(old_path) + 1)))
    depth_shift = new_path.count("/") - old_path.count("/")
    if depth_shift:
        Unit.objects.filter(path__startswith=new_path).exclude(pk=unit.pk).update(depth=F("depth") + depth_shift)
    record_event(
        unit,
        "org.unit.moved",
        f"单位“{unit.name}”由“{old_parent or '（无）'}”调整到“{new_parent or '（无）'}”下",
        by=by,
        old_parent=getattr(old_parent, "pk", None),
        new_parent=getattr(new_parent, "pk", None),
    )
    unit.refresh_from_db()
    return unit


@transaction.atomic
def create_window(*, code: str, name: str, kind: str, unit: Unit, by=None, **fields: Any) -> Window:
    window = Window(code=code, name=name, kind=kind, unit=unit, **fields)
    window.full_clean()
    window.save()
    record_event(window, "org.window.created", f"新建窗口“{window}”", by=by)
    return window


def update_window(window: Window, *, expected_version: int | None, by=None, **changes: Any) -> Window:
    with transaction.atomic():
        window = update_versioned(window, expected_version=expected_version, changes=changes)
        record_event(window, "org.window.updated", f"修改窗口“{window}”", by=by, fields=sorted(changes))
    return window


@transaction.atomic
def create_staff(
    *,
    staff_no: str,
    name: str,
    unit: Unit,
    units_in_charge: list[Unit] | tuple[Unit, ...] = (),
    username: str | None = None,
    password: str | None = None,
    user=None,
    by=None,
    **fields: Any,
) -> Staff:
    """Create a person; with `username` also their login (unusable password unless one is given),
    or linked to an existing `user`."""
    if username and user is None:
        user = get_user_model().objects.create_user(username=username, email=fields.get("email", ""))
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.first_name = name
        user.save()
    staff = Staff(staff_no=staff_no, name=name, unit=unit, user=user, **fields)
    staff.full_clean()
    staff.save()
    if units_in_charge:
        staff.units_in_charge.set(units_in_charge)
    record_event(staff, "org.staff.created", f"新增工作人员“{staff.name}”（{staff.unit}）", by=by)
    return staff


def update_staff(staff: Staff, *, expected_version: int | None, by=None, **changes: Any) -> Staff:
    units_in_charge = changes.pop("units_in_charge", None)
    with transaction.atomic():
        staff = update_versioned(staff, expected_version=expected_version, changes=changes)
        if units_in_charge is not None:
            staff.units_in_charge.set(units_in_charge)
        record_event(staff, "org.staff.updated", f"修改工作人员“{staff.name}”", by=by, fields=sorted(changes))
    return staff
