"""The open problems of a set of units, from every app that has some: a registry, since `core` knows no domain app.

An app registers a provider when it starts (`AppConfig.ready()`), naming its source in Chinese:

    from tongban.core import problems

    problems.register("cases.overdue", "超期办件", overdue_cases)   # (unit_ids, on_date) -> Iterable[Problem]

A provider answers in one or two queries for all the units at once (never one query per unit or per record):
the leader on duty's problem sheet and a coordination meeting's agenda ask for dozens of units together.
`open_problems` merges every provider's answer, oldest first, so the sheet and the agenda read the same list.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable, Sequence


@dataclass(frozen=True)
class Problem:
    source: str  # Chinese label of the source, e.g. "超期办件"
    title: str
    unit_id: int  # the unit that must act
    since: date
    due: date | None
    url: str


Provider = Callable[[Sequence[int], date], Iterable[Problem]]


@dataclass(frozen=True)
class _Registered:
    key: str
    label: str
    provider: Provider


_PROVIDERS: dict[str, _Registered] = {}


def register(key: str, label: str, provider: Provider) -> None:
    """Add (or replace, on a reload) the provider of one source of problems."""
    _PROVIDERS[key] = _Registered(key, label, provider)


def sources() -> list[tuple[str, str]]:
    """(key, label) of every registered source, in registration order."""
    return [(item.key, item.label) for item in _PROVIDERS.values()]


def open_problems(unit_ids: Sequence[int], on_date: date) -> list[Problem]:
    """Every source's open problems of these units on `on_date`: the oldest first, then by source and title."""
    unit_ids = list(unit_ids)
    if not unit_ids:
        return []
    found: list[Problem] = []
    for item in _PROVIDERS.values():
        found.extend(item.provider(unit_ids, on_date))
    return sorted(found, key=lambda p: (p.since, p.source, p.title))
