"""The two clocks beside the case's and the task's: each step of a task (环节时限) and the §44 ten working days from
the decision to the result handed out (出件时限). Both go through the same scan, states and cards."""
from __future__ import annotations

from datetime import date

import pytest

from tongban.cases.models import TaskStep
from tongban.cases.services import delivery, review
from tongban.cases.services.common import acting_on
from tongban.catalog.models import Step
from tongban.supervision.choices import CardColor, ClockKind, ClockState
from tongban.supervision.clocks import scan
from tongban.supervision.models import Card, Clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def stepped(accepted, restaurant):
    """食品经营许可 with three catalogue steps (1, 2 and 2 working days), accepted on Tuesday 2026-12-01."""
    Step.objects.bulk_create([Step(item=restaurant.food, order=1, name="受理审查", days=1),
                              Step(item=restaurant.food, order=2, name="审核", days=2),
                              Step(item=restaurant.food, order=3, name="决定", days=2)])
    return accepted(date(2026, 12, 1))


def step_clock(case, order):
    return Clock.objects.get(kind=ClockKind.TASK_STEP, step=TaskStep.objects.get(task__case=case, order=order))


def test_a_late_step_gets_its_own_card_while_the_case_is_on_time(stepped):
    # 受理审查 (one working day from 12-01) is due 12-02: a step has no 临期 and no card before it is late.
    scan(date(2026, 12, 2))
    first = step_clock(stepped, 1)
    assert (first.due_date, first.state, first.card) == (date(2026, 12, 2), ClockState.NORMAL, "")
    scan(date(2026, 12, 3))
    first = step_clock(stepped, 1)
    assert (first.state, first.card) == (ClockState.OVERDUE, CardColor.YELLOW)
    promised = Clock.objects.get(case=stepped, kind=ClockKind.CASE_PROMISED)
    assert promised.state == ClockState.NORMAL and promised.card == ""  # the case itself is on time
    scan(date(2026, 12, 4))  # overdue by more than one working day: the red line, as for any clock
    assert step_clock(stepped, 1).card == CardColor.RED
    assert list(Card.objects.filter(case=stepped, kind=ClockKind.TASK_STEP).order_by("issued_on")
                .values_list("color", flat=True)) == ["yellow", "red"]


def test_the_next_step_runs_on_its_own_clock_and_the_late_ones_record_stays(stepped, case_people):
    scan(date(2026, 12, 3))
    with acting_on(date(2026, 12, 3)):
        review.complete_step(stepped, by=case_people.samr_reviewer, task=stepped.tasks.get(), reason="材料齐全")
    scan(date(2026, 12, 4))
    first, second = step_clock(stepped, 1), step_clock(stepped, 2)
    assert first.state == ClockState.ENDED and first.first_overdue_on == date(2026, 12, 3)
    assert (second.start, second.due_date, second.state, second.card) == (
        date(2026, 12, 3), date(2026, 12, 7), ClockState.NORMAL, "")
    assert Card.objects.filter(clock=first, color=CardColor.YELLOW).exists()  # the card issued stays on record


def test_a_steps_clock_stops_while_the_case_is_suspended(stepped, case_people):
    with acting_on(date(2026, 12, 2)):
        review.suspend(stepped, by=case_people.samr_reviewer, task=stepped.tasks.get(), kind="expert_review",
                       reason="专家评审")
    scan(date(2026, 12, 7))
    assert step_clock(stepped, 1).state == ClockState.STOPPED and step_clock(stepped, 1).card == ""


def test_the_delivery_clock_runs_from_the_decision_and_ends_when_the_result_is_handed_out(accepted, case_people):
    case = accepted(date(2026, 12, 1))
    scan(date(2026, 12, 1))
    with acting_on(date(2026, 12, 2)):
        case = review.approve(case, by=case_people.samr_reviewer, task=case.tasks.get(), reason="可")
    scan(date(2026, 12, 2))
    clock = Clock.objects.get(case=case, kind=ClockKind.CASE_DELIVERY)
    assert (clock.start, clock.due_date) == (date(2026, 12, 2), case.delivery_due_date) == (
        date(2026, 12, 2), date(2026, 12, 16))
    assert Clock.objects.get(case=case, kind=ClockKind.CASE_PROMISED).state == ClockState.ENDED
    scan(date(2026, 12, 17))
    clock.refresh_from_db()
    assert (clock.state, clock.card) == (ClockState.OVERDUE, CardColor.YELLOW)
    with acting_on(date(2026, 12, 18)):
        delivery.deliver(case, by=case_people.delivery_clerk, method="paper", licence_number="JY1410100000X")
    scan(date(2026, 12, 18))
    clock.refresh_from_db()
    assert (clock.phase, clock.state, clock.card) == ("end", ClockState.ENDED, "")
    assert list(Card.objects.filter(case=case, kind=ClockKind.CASE_DELIVERY).values_list("color", flat=True)) == [
        "yellow"]


def test_every_card_is_a_line_on_its_cases_own_timeline(stepped, client_for, case_people):
    from tongban.cases.models import CaseEvent

    scan(date(2026, 12, 3))
    scan(date(2026, 12, 4))
    scan(date(2026, 12, 4))  # the same day again: no second line
    lines = list(CaseEvent.objects.filter(case=stepped, code="supervision.card").order_by("pk")
                 .values_list("message", "task_id", "blzt"))
    assert lines == [
        ("电子监察亮黄牌：办理环节时限，超期（未超过红牌线）（到期日 2026-12-02）", stepped.tasks.get().pk, None),
        ("电子监察亮红牌：办理环节时限，超期超过红牌线（到期日 2026-12-02）", stepped.tasks.get().pk, None)]
    page = client_for(case_people.clerk).get(f"/cases/{stepped.number}/").content.decode()
    assert "电子监察亮红牌：办理环节时限" in page


def test_a_late_steps_cards_are_shown_but_not_counted_in_the_units_month(stepped, county):
    from tongban.assessment.sources import SOURCES
    from tongban.supervision.selectors import card_counts_by_unit

    scan(date(2026, 12, 3))
    scan(date(2026, 12, 4))  # 受理审查 late since 12-03: a yellow, then a red card on the step's clock
    assert Card.objects.filter(case=stepped, kind=ClockKind.TASK_STEP).count() == 2
    assert card_counts_by_unit(date(2026, 12, 1)) == []  # the case and its task are on time
    december = (date(2026, 12, 1), date(2026, 12, 31))
    assert list(SOURCES["supervision.yellow_card"].collect(*december)) == []
    assert list(SOURCES["supervision.red_card"].collect(*december)) == []
