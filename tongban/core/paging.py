"""Keyset pagination for long lists: a page follows the last (or first) row shown, never an OFFSET.

    page = keyset_page(queryset, ["due_date", "pk"], request.GET.get("cursor"))
    # page.object_list, page.has_next, page.next_cursor, page.has_previous, page.previous_cursor

The ordering is a list of field names or annotations (a leading "-" for descending) whose values are
never NULL (annotate a Coalesce where a column may be empty) and which ends in a unique field (pk), so
"the rows after this one" is one WHERE clause an index can serve, and page 400 costs what page 1 does.
The cursor carries the boundary row's values (typed, base64-encoded JSON): a page needs no extra query
and no count, and a cursor that cannot be read gives the first page, never an error.
The API pages the same way with `tongban.core.api.KeysetPagination` (DRF's CursorPagination).
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date, parse_datetime

PER_PAGE = 50


@dataclass
class KeysetPage:
    object_list: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    count: int | None = None  # set by callers that can count cheaply (indexed columns)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def keyset_page(queryset: QuerySet, ordering: Sequence[str], cursor: str | None, *,
                per_page: int = PER_PAGE) -> KeysetPage:
    """One page of `queryset` in `ordering`, after (or before) the row the cursor names."""
    direction, values = _decode(cursor, len(ordering))
    forward = direction != "b"
    order = list(ordering) if forward else [_flip(name) for name in ordering]
    rows = queryset.order_by(*order)
    if values is not None:
        rows = rows.filter(_beyond(order, values))
    rows = list(rows[:per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not forward:
        rows.reverse()
    page = KeysetPage(rows)
    if rows:
        first, last = _key(rows[0], ordering), _key(rows[-1], ordering)
        if (forward and more) or (not forward and values is not None):
            page.next_cursor = _encode("a", last)
        if (not forward and more) or (forward and values is not None):
            page.previous_cursor = _encode("b", first)
    return page


def _flip(name: str) -> str:
    return name[1:] if name.startswith("-") else f"-{name}"


def _beyond(order: Sequence[str], values: list) -> Q:
    """Rows strictly after `values` in `order`: (a > x) | (a = x & b > y) | …"""
    condition = Q(pk__in=[])
    equal = Q()
    for name, value in zip(order, values):
        field_name = name.lstrip("-")
        condition |= equal & Q(**{f"{field_name}__{'lt' if name.startswith('-') else 'gt'}": value})
        equal &= Q(**{field_name: value})
    return condition


def _key(row, ordering: Sequence[str]) -> list:
    values = []
    for name in ordering:
        value = row
        for part in name.lstrip("-").split("__"):
            value = getattr(value, part)
        values.append(value)
    return values


def _encode(direction: str, values: list) -> str:
    def typed(value):
        if isinstance(value, datetime):
            return {"t": value.isoformat()}
        if isinstance(value, date):
            return {"d": value.isoformat()}
        if isinstance(value, Decimal):
            return {"n": str(value)}
        return value

    raw = json.dumps([direction, [typed(v) for v in values]], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str | None, size: int) -> tuple[str, list | None]:
    if not cursor:
        return "a", None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        direction, values = json.loads(raw)
        if direction not in ("a", "b") or not isinstance(values, list) or len(values) != size:
            raise ValueError
        return direction, [_untyped(value) for value in values]
    except (ValueError, TypeError, KeyError, InvalidOperation, binascii.Error, UnicodeDecodeError):
        return "a", None


def _untyped(value):
    if isinstance(value, dict):
        (kind, text), = value.items()
        parsed = {"t": parse_datetime, "d": parse_date, "n": Decimal}[kind](text)
        if parsed is None:
            raise ValueError(text)
        return parsed
    if value is None or isinstance(value, (list, float)):
        raise ValueError(value)  # the ordering never holds NULLs
    return value
