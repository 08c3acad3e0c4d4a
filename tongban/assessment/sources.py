"""The registry of automatic indicators: a source key → a set-based function (start, end) returning every
occurrence in those dates, each for one unit, with the record's label and URL. An indicator of a scheme names
its source by key; the month's scoring calls each source once for all units.

    @source("supervision.red_card", "电子监察红牌")
    def red_cards(start, end) -> Rows | Iterable[Occurrence]: ...

A source answers either `Rows` — one queryset over the month and an SQL expression for each field of an
occurrence, which the scoring turns into ONE `INSERT … SELECT` of the month's items (nothing passes through
Python) — or any iterable of `Occurrence` (for figures computed in Python, such as staffing's attendance), which
the scoring writes with one bulk insert. Either way `Source.collect(start, end)` iterates `Occurrence`s.

Other apps add theirs the same way from their own code (the feedback app's 差评, complaints upheld and
callback dissatisfaction: see docs/assessment.md, "Sources").
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import CharField, F, QuerySet, TextField, Value
from django.db.models.functions import Cast, Concat, Left
from django.urls import reverse


@dataclass(frozen=True)
class Occurrence:
    unit_id: int
    occurred_on: date
    label: str  # what the score sheet shows: 办件 number and title, 督办单, measure …
    url: str  # the record's page
    record_id: str  # with the source key: which record (an item is traceable to it)


# Column names of a Rows query (annotations: they must not clash with a model's fields).
ROW_COLUMNS = ("occ_unit", "occ_on", "occ_label", "occ_url", "occ_record")


@dataclass(frozen=True)
class Rows:
    """A source's occurrences as one query: `queryset` filtered to the month, and for each field of an
    `Occurrence` an expression over it (a field name, `F(…)`, or a function such as `text(…)`)."""

    queryset: QuerySet
    unit_id: Any
    occurred_on: Any
    label: Any
    url: Any
    record_id: Any

    def query(self, *, with_pk: bool = False) -> QuerySet:
        """The occurrences as a values() queryset with the columns ROW_COLUMNS, in that order, unordered
        (`with_pk`: first the queried model's pk as `occ_pk`)."""
        exprs = [self.unit_id, self.occurred_on, self.label, self.url, self.record_id]
        columns = dict(zip(ROW_COLUMNS, [F(e) if isinstance(e, str) else e for e in exprs]))
        if with_pk:
            columns = {"occ_pk": F("pk"), **columns}
        return self.queryset.order_by().annotate(**columns).values(*columns)

    def narrow(self) -> QuerySet:
        """Only what the cap rule orders by — `occ_pk`, `occ_unit`, `occ_on`, `occ_record` — without the label
        and URL, so the tables a label reads (a case's number and title) are not joined: the scoring reads
        those for the occurrences that carry points only."""
        exprs = [self.unit_id, self.occurred_on, self.record_id]
        columns = {"occ_pk": F("pk"), **dict(zip(("occ_unit", "occ_on", "occ_record"),
                                                 [F(e) if isinstance(e, str) else e for e in exprs]))}
        return self.queryset.order_by().annotate(**columns).values(*columns)

    def __iter__(self) -> Iterator[Occurrence]:
        for unit_id, day, label, url, record_id in self.query().values_list(*ROW_COLUMNS):
            yield Occurrence(unit_id, day, label, url, str(record_id))


def text(*parts) -> Concat:
    """A label or URL built in SQL: a str part is literal text, anything else an expression (`F("case__number")`),
    cast to text."""
    exprs = [Value(p) if isinstance(p, str) else Cast(p, TextField()) for p in parts]
    if len(exprs) == 1:
        exprs.append(Value(""))
    return Concat(*exprs, output_field=CharField())


def record_id(name: str = "pk") -> Cast:
    """A record's id as the text stored in `ScoreItem.record_id`."""
    return Cast(F(name), CharField(max_length=64))


def shorten(expr, length: int) -> Left:
    return Left(expr, length)


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    collect: Callable[[date, date], Rows | Iterable[Occurrence]]


SOURCES: dict[str, Source] = {}


def source(key: str, label: str) -> Callable:
    def register(func: Callable) -> Callable:
        SOURCES[key] = Source(key, label, func)
        return func
    return register


# What several sources of one scoring compute alike (staffing's lateness and inspection findings both come from
# one pass over the month's punches): computed once per scoring, inside `one_scoring()`; outside it, every call.
_SHARED: ContextVar[dict | None] = ContextVar("assessment_sources_shared", default=None)


@contextmanager
def one_scoring() -> Iterator[None]:
    """The month's scoring runs its sources inside this: `shared(key, compute)` computes once for all of them."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(key: Hashable, compute: Callable[[], Any]) -> Any:
    """`compute()`, once per key within one scoring (`one_scoring`); every call outside one."""
    memo = _SHARED.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def label_of(key: str) -> str:
    from tongban.assessment.choices import MANUAL

    if key == MANUAL:
        return "人工录入（附佐证）"
    return SOURCES[key].label if key in SOURCES else f"未知来源 {key}"


def choices() -> list[tuple[str, str]]:
    from tongban.assessment.choices import MANUAL

    return [(key, s.label) for key, s in sorted(SOURCES.items())] + [(MANUAL, label_of(MANUAL))]


class UrlMaker:
    """A record page's URL: reverse() once, then per row either string formatting (`maker(key)`) or, for
    `Rows`, an SQL expression (`maker.sql(field_name)`)."""

    def __init__(self, name: str, sample: str = "0"):
        self.head, _, self.tail = reverse(name, args=[sample]).rpartition(sample)

    def __call__(self, key) -> str:
        return f"{self.head}{key}{self.tail}"

    def sql(self, name: str) -> Concat:
        return text(self.head, F(name), self.tail)


def url_maker(name: str, sample: str = "0") -> UrlMaker:
    """reverse() once per source call, then string formatting per row (reverse per row is ~1 ms a row)."""
    return UrlMaker(name, sample)


@source("cases.overdue", "办件超期（承诺时限，首次超期在当月）")
def overdue_cases(start: date, end: date) -> Rows:
    """A case whose promised clock first went overdue in the month, charged to the clock's unit (the
    supervision scan keeps `first_overdue_on`; the same day the duty page and the bulletin count)."""
    from tongban.supervision.choices import ClockKind
    from tongban.supervision.models import Clock

    return Rows(Clock.objects.filter(kind=ClockKind.CASE_PROMISED, first_overdue_on__range=(start, end)),
                unit_id="unit_id", occurred_on="first_overdue_on",
                label=text("办件 ", F("case__number"), " ", F("case__title"), " 超过承诺时限"),
                url=url_maker("cases:case_detail").sql("case__number"), record_id=record_id("case_id"))


def _cards(color: str, start: date, end: date) -> Rows:
    from tongban.supervision.choices import COUNTED_CARD_KINDS
    from tongban.supervision.models import Card

    word = "黄牌" if color == "yellow" else "红牌"
    return Rows(Card.objects.filter(color=color, issued_on__range=(start, end), kind__in=COUNTED_CARD_KINDS),
                unit_id="unit_id", occurred_on="issued_on",
                label=text(f"{word}：办件 ", F("case__number"), " ", F("case__title")),
                url=url_maker("cases:case_detail").sql("case__number"), record_id=record_id())


@source("supervision.yellow_card", "电子监察黄牌")
def yellow_cards(start: date, end: date) -> Rows:
    return _cards("yellow", start, end)


@source("supervision.red_card", "电子监察红牌")
def red_cards(start: date, end: date) -> Rows:
    return _cards("red", start, end)


@source("supervision.urge_unanswered", "督办单逾期未答复")
def unanswered_urges(start: date, end: date) -> Rows:
    """A 督办单 whose reply deadline fell in the month and that was not answered by it (answered late or
    not at all)."""
    from django.db.models import Q

    from tongban.supervision.models import Urge

    return Rows(Urge.objects.filter(reply_due__range=(start, end))
                .filter(Q(replied_on__isnull=True) | Q(replied_on__gt=F("reply_due"))),
                unit_id="unit_id", occurred_on="reply_due",
                label=text("督办单 ", F("pk"), "（办件 ", F("case__number"), " ", F("case__title"), "）逾期未答复"),
                url=url_maker("supervision:urge_detail").sql("pk"), record_id=record_id())


@source("rectification.measure_overdue", "整改措施逾期未完成")
def overdue_measures(start: date, end: date) -> Rows:
    """A measure whose deadline fell in the month and that was not verified by it (the day of its
    verification, in the centre's time zone, after the deadline), charged to its lead unit."""
    from django.db.models import Q

    from tongban.rectification.models import Measure

    return Rows(Measure.objects.filter(deadline__range=(start, end))
                .filter(Q(verified_at__isnull=True) | Q(verified_at__date__gt=F("deadline"))),
                unit_id="lead_unit_id", occurred_on="deadline", label=text("整改措施逾期：", shorten(F("text"), 60)),
                url=url_maker("rectification:measure_detail").sql("pk"), record_id=record_id())
