"""Property: for random months of random cases (built through the real services), the SQL figures of
`reports` equal a plain-Python recount from the stored case fields and the calendar service, and the page,
the API and the bulletin say the same. The recount is the definition in docs/duty.md, written the slow way."""
from __future__ import annotations

import json
import random
from datetime import date, datetime, timedelta

import pytest
import time_machine

from tongban.cases.choices import CaseStatus
from tongban.cases.models import Case
from tongban.supervision import bulletin, reports
from tongban.supervision.reports import Month
from tongban.supervision.tests.test_duty_pages import figures_on_page
from tongban.workdays.services import is_workday, workdays_between

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 16)
FOOD = {"business_licence": "received", "layout_plan": "received", "health_cert": "received"}


def _workdays(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1) if is_workday(first + timedelta(days=n))]


def build(seed: int, county, personas, case_people, restaurant) -> None:
    from tongban.cases.services import delivery, intake, review
    from tongban.cases.services.common import acting_on

    rng = random.Random(seed)
    days = _workdays(date(2026, 9, 1), TODAY)
    for _ in range(8):
        start = rng.choice(days[:-5])
        with acting_on(start):
            case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.food,
                                       applicant={"applicant_kind": "person", "applicant_name": "李四",
                                                  "id_type": "resident_id", "id_number": "11010519491231002X",
                                                  "phone": "13900005678"}, materials=FOOD)
            if rng.random() < 0.15:
                continue  # left waiting for 受理
            case = intake.accept(case, by=case_people.clerk)
        later = [d for d in days if d > start]
        fate = rng.choice(["open", "decided", "delivered", "withdrawn"])
        if fate == "open" or not later:
            continue
        day = rng.choice(later[:15])
        with acting_on(day):
            if fate == "withdrawn":
                delivery.withdraw(case, by=case_people.clerk, reason="申请人撤回")
                continue
            case = review.approve(case, by=case_people.samr_reviewer, task=case.tasks.get(), reason="符合条件")
        if fate == "delivered":
            with acting_on(day):
                delivery.deliver(case, by=personas.director, method="paper", licence_number="X1")


def recount(month: Month) -> dict:
    """The month's totals and late cases, case by case in Python."""
    as_of = month.as_of(TODAY)
    inside = lambda day: day is not None and month.first <= day <= month.last  # noqa: E731
    totals = {"received": 0, "accepted": 0, "decided": 0, "on_time": 0, "closed": 0}
    late = {}
    for case in Case.objects.all():
        totals["received"] += inside(case.received_on)
        totals["accepted"] += inside(case.accepted_on)
        if inside(case.decided_on):
            totals["decided"] += 1
            totals["on_time"] += case.decided_on <= case.due_date
        totals["closed"] += inside(case.closed_on) and case.status == CaseStatus.CLOSED
        if case.due_date is None or case.status == CaseStatus.REFUSED:
            continue
        stopped = case.decided_on or case.closed_on
        if stopped is not None and (stopped <= case.due_date or stopped < month.first):
            continue
        end = min(stopped or as_of, as_of)
        if case.due_date < as_of and workdays_between(case.due_date, end).days > 0:
            late[case.number] = workdays_between(case.due_date, end).days
    return {"totals": totals, "late": late}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sql_figures_match_a_recount_and_the_three_outlets_agree(seed, county, personas, case_people, restaurant,
                                                                     client_for, api_for):
    build(seed, county, personas, case_people, restaurant)
    for key in ("2026-09", "2026-10", "2026-11"):
        month = Month.parse(key)
        figures = reports.month_figures(None, month, TODAY)
        expected = recount(month)
        totals = {k: figures["totals"][k] for k in expected["totals"]}
        assert totals == expected["totals"], key
        assert {c["number"]: c["overdue_workdays"] for c in figures["overdue_cases"]} == expected["late"], key
        assert figures["totals"]["overdue"] == len(expected["late"])
        assert figures["totals"]["late"] == figures["totals"]["decided"] - figures["totals"]["on_time"]
        assert sum(u["decided"] for u in figures["by_unit"]) == figures["totals"]["decided"]  # one task a case
        with time_machine.travel(datetime.fromisoformat("2026-11-16T10:00:00+08:00"), tick=False):
            page = figures_on_page(client_for(personas.director).get(f"/supervision/dashboard/?month={key}").content.decode())
            api = api_for(personas.director).get(f"/api/v1/supervision/figures/?month={key}").json()
        assert page == api == json.loads(json.dumps(bulletin.bulletin_report(month, TODAY).figures)) == \
            json.loads(json.dumps(figures))
