"""Reads of supervision for the pages, the API and the duty page (issue 11): one definition each.

- `open_cards(user, on)`     the clocks carded now (yellow / red), worst first, with `overdue_workdays` on `on`
- `due_soon(user)` / `overdue(user)`   the 临期 and 超期 clocks in the user's scope
- `orders_waiting(user)`     督办单 not yet answered, deadline first
- `orders(user)`             every 督办单 the user may see
- `card_counts_by_unit(month, user=None)`   {unit: yellow, red} of the cards issued in a month
"""
from __future__ import annotations

from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from tongban.supervision.choices import COUNTED_CARD_KINDS, CardColor, ClockPhase, ClockState, UrgeStatus
from tongban.supervision.models import Card, Clock, EscalationStep, Urge
from tongban.workdays.expressions import workday_index_of

CARD_ORDER = ["due_date", "pk"]
ORDER_ORDER = ["reply_due", "pk"]


def _clocks(user) -> QuerySet[Clock]:
    return Clock.objects.visible_to(user).select_related("case", "task__item", "unit")


def with_overdue_workdays(clocks: QuerySet[Clock], on: date) -> QuerySet[Clock]:
    """`overdue_workdays`: working days from the due date to `on` (0 when not overdue), over the calendar."""
    return clocks.annotate(overdue_workdays=Greatest(Coalesce(
        workday_index_of(Value(on)) - workday_index_of("due_date"), Value(0)), Value(0), output_field=IntegerField()))


def open_cards(user, on: date) -> QuerySet[Clock]:
    """The clocks carded now (as of the latest scan), red first, then the longest overdue."""
    carded = _clocks(user).filter(phase=ClockPhase.RUN).exclude(card=CardColor.NONE)
    return with_overdue_workdays(carded, on).order_by("card", "due_date", "pk")  # "red" sorts before "yellow"


def due_soon(user) -> QuerySet[Clock]:
    return _clocks(user).filter(phase=ClockPhase.RUN, state=ClockState.DUE_SOON).order_by(*CARD_ORDER)


def overdue(user) -> QuerySet[Clock]:
    return _clocks(user).filter(phase=ClockPhase.RUN, state=ClockState.OVERDUE).order_by(*CARD_ORDER)


def with_level_names(urges: QuerySet[Urge]) -> QuerySet[Urge]:
    """`escalation_name`: the name of the escalation step each 督办单 stands at, in the same query."""
    names = EscalationStep.objects.filter(level=OuterRef("level")).order_by("pk").values("name")[:1]
    return urges.annotate(escalation_name=Subquery(names))


def orders(user) -> QuerySet[Urge]:
    return with_level_names(Urge.objects.visible_to(user).select_related("case", "unit", "card", "replied_by"))


def orders_waiting(user) -> QuerySet[Urge]:
    return orders(user).filter(status=UrgeStatus.WAITING).order_by(*ORDER_ORDER)


def cards_of_cases(case_ids) -> dict[int, str]:
    """The strongest card now shown on each case's running clocks (red over yellow), in one query: the duty
    page's 监察牌 column."""
    found: dict[int, str] = {}
    for case_id, card in (Clock.objects.filter(case_id__in=list(case_ids), phase=ClockPhase.RUN)
                          .exclude(card=CardColor.NONE).values_list("case_id", "card")):
        if found.get(case_id) != CardColor.RED:
            found[case_id] = card
    return found


def card_counts_by_unit(month: date, user=None) -> list[dict]:
    """One row per unit with cards issued in `month` (its first day): {unit_id, unit, yellow, red}, most red
    first; within `user`'s scope when given."""
    cards = Card.objects.visible_to(user) if user is not None else Card.objects.all()
    rows = (cards.filter(month=month.replace(day=1), kind__in=COUNTED_CARD_KINDS).values("unit_id", "unit__name")
            .annotate(yellow=Count("pk", filter=Q(color=CardColor.YELLOW)), red=Count("pk", filter=Q(color=CardColor.RED)))
            .order_by("-red", "-yellow", "unit__name"))
    return [{"unit_id": r["unit_id"], "unit": r["unit__name"], "yellow": r["yellow"], "red": r["red"]} for r in rows]
