"""The stored clocks against the calendar, and the daily jobs of §32 and 容缺 (run twice: no double work)."""
from __future__ import annotations

from datetime import date

import pytest

from tongban.cases.choices import CaseStatus
from tongban.cases.models import Case, CaseEvent
from tongban.cases.services import deadlines, intake, review
from tongban.cases.tests.test_services import at, task_of
from tongban.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_clerk_is_warned_on_working_day_4_once_and_the_case_is_deemed_accepted_on_day_6(
        receive, case_people, django_capture_on_commit_callbacks):
    with at("2026-12-01"):
        case = receive()  # due Dec 8 (5th working day), warn Dec 7
    assert deadlines.intake_deadlines(date(2026, 12, 4)) == {"warned": 0, "deemed": 0}
    with at("2026-12-07"), django_capture_on_commit_callbacks(execute=True):
        assert deadlines.intake_deadlines(date(2026, 12, 7)) == {"warned": 1, "deemed": 0}
        assert deadlines.intake_deadlines(date(2026, 12, 7)) == {"warned": 0, "deemed": 0}
    assert Notification.objects.filter(recipient=case_people.clerk, code="cases.intake_warning").count() == 1
    assert deadlines.intake_deadlines(date(2026, 12, 8)) == {"warned": 0, "deemed": 0}
    with at("2026-12-09"):
        assert deadlines.intake_deadlines(date(2026, 12, 9)) == {"warned": 0, "deemed": 1}
        assert deadlines.intake_deadlines(date(2026, 12, 9)) == {"warned": 0, "deemed": 0}
    case = Case.objects.get(pk=case.pk)
    assert case.status == CaseStatus.REVIEWING and case.deemed_accepted and case.accepted_on == date(2026, 12, 1)
    assert case.due_date == date(2026, 12, 11)  # 8 working days from receipt, not from day 6
    assert CaseEvent.objects.filter(case=case, code="case.deemed_accepted", blzt=3).count() == 1


def test_a_correction_notice_in_time_prevents_the_deemed_acceptance(receive, case_people):
    with at("2026-12-01"):
        case = receive(materials={"fire_plan": "missing"})
        intake.notify_correction(case, by=case_people.clerk)
    assert deadlines.intake_deadlines(date(2026, 12, 20)) == {"warned": 0, "deemed": 0}


def test_pending_materials_missed_flag_the_case_and_withhold_the_result(receive, case_people, restaurant):
    from django.core.exceptions import ValidationError

    from tongban.cases.services import delivery

    with at("2026-12-01"):
        case = receive(materials={"layout_plan": "missing"})
        case = intake.accept_pending(case, by=case_people.clerk, pending=["layout_plan"], promise_signed=True,
                                     pending_due=date(2026, 12, 3))
    assert deadlines.pending_deadlines(date(2026, 12, 2)) == {"reminded": 1, "missed": 0}
    assert deadlines.pending_deadlines(date(2026, 12, 4)) == {"reminded": 0, "missed": 1}
    assert deadlines.pending_deadlines(date(2026, 12, 4)) == {"reminded": 0, "missed": 0}
    case = Case.objects.get(pk=case.pk)
    assert case.pending_overdue
    people = case_people
    case = review.approve(case, by=people.samr_reviewer, task=task_of(case, restaurant.company), reason="可")
    for reviewer, item in ((people.samr_reviewer, restaurant.food), (people.fire_reviewer, restaurant.fire),
                           (people.water_reviewer, restaurant.drain)):
        case = review.approve(case, by=reviewer, task=task_of(case, item), reason="可")
    with pytest.raises(ValidationError, match="暂不出件"):
        delivery.deliver(case, by=people.delivery_clerk, method="paper")
    case = intake.supply_pending(case, by=people.delivery_clerk)
    case = delivery.deliver(case, by=people.delivery_clerk, method="paper")
    assert case.events.order_by("pk").last().blzt == 12


def test_a_day_made_a_holiday_moves_the_stored_due_dates_of_open_cases(receive, case_people):
    from tongban.workdays import services as calendar

    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
    assert case.due_date == date(2026, 12, 11)
    calendar.override_day(date(2026, 12, 9), is_workday=False, holiday_name="临时停工", by=case_people.clerk)
    case.refresh_from_db()
    assert (case.due_date, case.warn_date) == (date(2026, 12, 14), date(2026, 12, 11))


def test_changing_the_warning_days_in_the_admin_moves_open_cases_warning_dates(client_for, personas, receive, case_people):
    from tongban.cases.models import CaseSettings

    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
    assert case.warn_date == date(2026, 12, 10)
    settings_row = CaseSettings.load()
    response = client_for(personas.admin).post(f"/admin/cases/casesettings/{settings_row.pk}/change/", {
        "region_code": "410000", "intake_workdays": 5, "warn_workdays": 2, "pending_workdays": 10,
        "pending_reminder_workdays": 2, "missed_pending_policy": "withhold", "extension_max_workdays": 10,
        "joint_extension_max_workdays": 15, "delivery_workdays": 10, "hop_clock_from": "first"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.warn_date == date(2026, 12, 9)


def test_a_holiday_declared_inside_an_ended_suspension_shortens_it_and_leaves_the_due_date(receive, case_people, restaurant):
    from tongban.workdays import services as calendar

    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
    with at("2026-12-02"):
        case = review.suspend(case, by=case_people.samr_reviewer, task=task_of(case, restaurant.company),
                              kind="testing", reason="送检")
    with at("2026-12-07"):
        case = review.resume(case, by=case_people.samr_reviewer)
    assert (case.suspended_workdays, case.due_date) == (3, date(2026, 12, 16))
    calendar.override_day(date(2026, 12, 4), is_workday=False, holiday_name="临时停工", by=case_people.clerk)
    case.refresh_from_db()
    # Dec 4 no longer counts inside the suspension (Dec 3 and 7), and the clock did not run then anyway:
    # 8 + 2 working days after Dec 1 without Dec 4 (2, 3, 7, 8, 9, 10, 11, 14, 15, 16) is still Dec 16
    assert (case.suspended_workdays, case.due_date) == (2, date(2026, 12, 16))


def test_the_case_jobs_are_registered_daily():
    from tongban.jobs.registry import all_jobs

    jobs = all_jobs()
    assert jobs["cases.intake_deadlines"].frequency == "daily"
    assert jobs["cases.pending_deadlines"].frequency == "daily"


def test_rebuilding_every_clock_works_with_no_cases_at_all(county):
    from tongban.workdays import clocks as calendar_clocks

    assert calendar_clocks.recompute_all()["cases.case"] == 0
