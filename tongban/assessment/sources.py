"""The registry of automatic indicators: a source key → a set-based function (start, end) returning every
occurrence in those dates, each for one unit, with the record's label and URL. An indicator of a scheme names
its source by key; the month's scoring calls each source once for all units (one query per source).

    @source("supervision.red_card", "电子监察红牌")
    def red_cards(start, end) -> Iterable[Occurrence]: ...

Other apps add theirs the same way from their own code (the feedback app's 差评, complaints upheld and
callback dissatisfaction: see docs/assessment.md, "Sources").
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.urls import reverse


@dataclass(frozen=True)
class Occurrence:
    unit_id: int
    occurred_on: date
    label: str  # what the score sheet shows: 办件 number and title, 督办单, measure …
    url: str  # the record's page
    record_id: str  # with the source key: which record (an item is traceable to it)


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    collect: Callable[[date, date], Iterable[Occurrence]]


SOURCES: dict[str, Source] = {}


def source(key: str, label: str) -> Callable:
    def register(func: Callable) -> Callable:
        SOURCES[key] = Source(key, label, func)
        return func
    return register


def label_of(key: str) -> str:
    from tongban.assessment.choices import MANUAL

    if key == MANUAL:
        return "人工录入（附佐证）"
    return SOURCES[key].label if key in SOURCES else f"未知来源 {key}"


def choices() -> list[tuple[str, str]]:
    from tongban.assessment.choices import MANUAL

    return [(key, s.label) for key, s in sorted(SOURCES.items())] + [(MANUAL, label_of(MANUAL))]


def url_maker(name: str, sample: str = "0") -> Callable[[object], str]:
    """reverse() once per source call, then string formatting per row (reverse per row is ~1 ms a row)."""
    head, _, tail = reverse(name, args=[sample]).rpartition(sample)
    return lambda key: f"{head}{key}{tail}"


@source("cases.overdue", "办件超期（承诺时限，首次超期在当月）")
def overdue_cases(start: date, end: date) -> Iterable[Occurrence]:
    """A case whose promised clock first went overdue in the month, charged to the clock's unit (the
    supervision scan keeps `first_overdue_on`; the same day the duty page and the bulletin count)."""
    from tongban.supervision.choices import ClockKind
    from tongban.supervision.models import Clock

    rows = Clock.objects.filter(kind=ClockKind.CASE_PROMISED, first_overdue_on__range=(start, end)).values_list(
        "unit_id", "first_overdue_on", "case__number", "case__title", "case_id")
    case_url = url_maker("cases:case_detail")
    for unit_id, day, number, title, case_id in rows:
        yield Occurrence(unit_id, day, f"办件 {number} {title} 超过承诺时限", case_url(number), str(case_id))


def _cards(color: str, start: date, end: date) -> Iterable[Occurrence]:
    from tongban.supervision.models import Card

    from tongban.supervision.choices import COUNTED_CARD_KINDS

    rows = Card.objects.filter(color=color, issued_on__range=(start, end), kind__in=COUNTED_CARD_KINDS).values_list(
        "unit_id", "issued_on", "case__number", "case__title", "pk", "reason")
    word = "黄牌" if color == "yellow" else "红牌"
    case_url = url_maker("cases:case_detail")
    for unit_id, day, number, title, pk, reason in rows:
        yield Occurrence(unit_id, day, f"{word}：办件 {number} {title}", case_url(number), str(pk))


@source("supervision.yellow_card", "电子监察黄牌")
def yellow_cards(start: date, end: date) -> Iterable[Occurrence]:
    return _cards("yellow", start, end)


@source("supervision.red_card", "电子监察红牌")
def red_cards(start: date, end: date) -> Iterable[Occurrence]:
    return _cards("red", start, end)


@source("supervision.urge_unanswered", "督办单逾期未答复")
def unanswered_urges(start: date, end: date) -> Iterable[Occurrence]:
    """A 督办单 whose reply deadline fell in the month and that was not answered by it (answered late or
    not at all)."""
    from django.db.models import F, Q

    from tongban.supervision.models import Urge

    rows = (Urge.objects.filter(reply_due__range=(start, end))
            .filter(Q(replied_on__isnull=True) | Q(replied_on__gt=F("reply_due")))
            .values_list("unit_id", "reply_due", "pk", "case__number", "case__title"))
    urge_url = url_maker("supervision:urge_detail")
    for unit_id, due, pk, number, title in rows:
        yield Occurrence(unit_id, due, f"督办单 {pk}（办件 {number} {title}）逾期未答复", urge_url(pk), str(pk))


@source("rectification.measure_overdue", "整改措施逾期未完成")
def overdue_measures(start: date, end: date) -> Iterable[Occurrence]:
    """A measure whose deadline fell in the month and that was not verified by it, charged to its lead unit."""
    from django.utils import timezone

    from tongban.rectification.models import Measure

    rows = Measure.objects.filter(deadline__range=(start, end)).values_list(
        "lead_unit_id", "deadline", "pk", "text", "verified_at")
    measure_url = url_maker("rectification:measure_detail")
    for unit_id, deadline, pk, text, verified_at in rows:
        if verified_at is not None and timezone.localdate(verified_at) <= deadline:
            continue
        yield Occurrence(unit_id, deadline, f"整改措施逾期：{text[:60]}", measure_url(pk), str(pk))
