"""What one intake costs, and that the short path writes what the long one would: `receive_case` writes every row
with its final values (the clock with the case's INSERT, the window's checklist with the materials' INSERT) and
claims the number in one statement, so an intake of an item is eight statements on PostgreSQL (the eighth: the
case's units, cases/reach.py). A regression (a
query per material, the clock refreshed afterwards, a lookup in a loop) fails the count."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.cases.choices import MaterialState
from tongban.cases.clocks import refresh_case_clocks
from tongban.cases.models import Case
from tongban.cases.services import intake
from tongban.cases.tests.conftest import person_applicant
from tongban.catalog.models import ServiceItem
from tongban.org.models import Window

pytestmark = pytest.mark.django_db

CLOCK = ("clock_start", "suspended_workdays", "clock_workdays", "warn_workdays", "due_date", "warn_date")
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def at(day: str):
    return time_machine.travel(datetime.fromisoformat(f"{day}T10:00:00+08:00"), tick=False)


def statements(captured) -> list[str]:
    return [q["sql"] for q in captured if not q["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)]


def as_the_intake_page_reads_them(county, case_people, item):
    """Fresh rows, as a request gets them: the window with its unit and kind, the clerk with their staff row."""
    window = Window.objects.select_related("unit__kind").get(pk=county.intake_window.pk)
    clerk = get_user_model().objects.select_related("staff").get(pk=case_people.clerk.pk)
    return window, clerk, ServiceItem.objects.get(pk=item.pk)


def test_one_intake_of_an_item_is_eight_statements(county, case_people, restaurant):
    food = restaurant.food  # three materials, one of them brought, one of them under 容缺 later
    with at("2026-12-01"):
        intake.receive_case(by=case_people.clerk, window=county.intake_window, item=food,
                            applicant=person_applicant())  # the day's first: creates the sequence row
        window, clerk, item = as_the_intake_page_reads_them(county, case_people, food)
        with CaptureQueriesContext(connection) as captured:
            case = intake.receive_case(by=clerk, window=window, item=item, applicant=person_applicant(),
                                       materials={"health_cert": "received", "layout_plan": {"state": "missing",
                                                                                             "problem": "未盖章"}})
    done = statements(captured.captured_queries)
    # settings with the delivery window and the calendar (one SELECT), checklist; case, materials, tasks, the case's
    # units (CaseUnit: the scope's index), event; the number (on SQLite the claim and the case's UPDATE are two
    # statements: writers take turns there anyway).
    assert len(done) == (8 if connection.vendor == "postgresql" else 9), "\n".join(done)
    assert case.number == "4100002026120100002"
    states = dict(case.materials.values_list("identity__code", "state"))
    assert states == {"business_licence": MaterialState.MISSING, "layout_plan": MaterialState.MISSING,
                      "health_cert": MaterialState.RECEIVED}
    assert case.materials.get(identity__code="layout_plan").problem == "未盖章"
    assert list(case.tasks.values_list("unit_id", "budget_workdays", "clock_workdays")) == [
        (county.department.pk, 5, 5)]
    assert list(case.events.values_list("code", flat=True)) == ["case.received"]


@pytest.mark.parametrize("received_on", [
    date(2026, 12, 4),  # a Friday: the weekend in between
    date(2026, 12, 5),  # a Saturday: counted from the next workday
    date(2026, 12, 29),  # into the next year, over the New Year holiday
    date(2026, 9, 28),  # before the National Day week
    date(2034, 6, 1),  # a year the calendar has not filled yet
])
def test_the_clock_written_with_the_intake_is_the_one_the_set_based_refresh_computes(
        county, case_people, restaurant, received_on):
    case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.fire,
                               applicant=person_applicant(), received_on=received_on)
    written = [getattr(case, name) for name in CLOCK]
    stored = list(Case.objects.filter(pk=case.pk).values_list(*CLOCK).get())
    assert stored == written
    assert refresh_case_clocks(Case.objects.filter(pk=case.pk)) == 0  # no due date moved
    assert list(Case.objects.filter(pk=case.pk).values_list(*CLOCK).get()) == written
    assert written[0] == received_on and written[4] > written[5] >= received_on


def test_a_wrong_material_on_the_window_form_refuses_the_intake_and_leaves_nothing(county, case_people, restaurant):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="不可容缺"):
        intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.food,
                            applicant=person_applicant(), materials={"health_cert": "pending"})
    with pytest.raises(ValidationError, match="不在该办件的材料清单中"):
        intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.food,
                            applicant=person_applicant(), materials={"no_such_material": "received"})
    assert not Case.objects.exists()
