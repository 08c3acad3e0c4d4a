"""Who holds which role on a case, which queue shows it, and when it counts as overdue or due soon — at their
edges, with literal expected values (also the tests `make mutation` runs over transitions, clocks and selectors).

2026-12-01 is a Tuesday; a case received on Friday 2026-12-04 is due (§32) on 2026-12-11 and warned on 2026-12-10.
"""
from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from tongban.cases import clocks, selectors
from tongban.cases.models import Case, Suspension
from tongban.cases.services import intake, review
from tongban.cases.tests.conftest import person_applicant
from tongban.cases.transitions import actions_for, allowed, roles_of, task_actions_for

pytestmark = pytest.mark.django_db


def at(day: str):
    return time_machine.travel(datetime.fromisoformat(f"{day}T10:00:00+08:00"), tick=False)


def names(transitions) -> list[str]:
    return [t.action for t in transitions]


# --- Roles --------------------------------------------------------------------------------------------

def test_the_job_is_the_system_and_the_intake_clerk_holds_only_intake(receive, case_people, personas):
    case = receive()
    assert roles_of(None, case) == {"system"}
    assert roles_of(case_people.clerk, case) == {"intake"}
    assert roles_of(personas.director, case) == {"leader"}
    assert roles_of(personas.admin, case) == {"leader"}
    assert roles_of(personas.inspector, case) == set()
    assert roles_of(case_people.samr_reviewer, case) == set()  # no task of the case is in 待审查 yet


def test_a_reviewer_of_another_department_gets_no_reviewer_role(receive, case_people, restaurant):
    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
    company = case.tasks.get(item=restaurant.company)
    assert roles_of(case_people.samr_reviewer, case) == {"reviewer"}
    assert roles_of(case_people.samr_reviewer, case, company) == {"reviewer"}
    assert roles_of(case_people.fire_reviewer, case) == set()  # its task waits for stage 2
    assert roles_of(case_people.water_reviewer, case, company) == set()
    with at("2026-12-02"):
        case = review.approve(case, by=case_people.samr_reviewer, task=company, reason="材料齐全")
    fire = case.tasks.get(item=restaurant.fire)
    food = case.tasks.get(item=restaurant.food)
    assert roles_of(case_people.fire_reviewer, case, fire) == {"reviewer"}
    assert roles_of(case_people.samr_reviewer, case, fire) == set()  # the department has a task, not this one
    assert roles_of(case_people.samr_reviewer, case, food) == {"reviewer"}
    assert allowed("approve", case, case_people.fire_reviewer, fire) is True
    assert allowed("approve", case, case_people.samr_reviewer, fire) is False
    assert names(task_actions_for(fire, case_people.fire_reviewer)) == ["approve", "deny", "suspend", "request_extension"]
    assert task_actions_for(fire, case_people.water_reviewer) == []
    assert task_actions_for(company, case_people.samr_reviewer) == []  # approved already


def test_a_township_head_is_a_leader_over_their_own_township_only(county, personas, case_people, restaurant):
    from tongban.catalog import services as catalog

    catalog.delegate_item(restaurant.drain, to=[county.township_a], mode="entrusted")
    case = intake.receive_case(by=case_people.township_clerk, window=county.township_window, item=restaurant.drain,
                               applicant=person_applicant())
    assert roles_of(personas.township_admin, case) == {"leader"}
    assert roles_of(personas.other_township_admin, case) == set()
    assert roles_of(personas.section_chief, case) == set()  # a unit head over another unit
    # a township without a delivery window hands the result out at the window that took the case
    assert roles_of(case_people.township_clerk, case) == {"intake", "delivery"}
    assert allowed("accept", case, personas.township_admin) is True
    assert allowed("accept", case, personas.other_township_admin) is False


def test_the_table_allows_an_action_only_in_its_statuses_and_for_its_roles(receive, case_people, personas):
    case = receive()
    assert allowed("accept", case, case_people.clerk) is True
    assert allowed("accept", case, case_people.samr_reviewer) is False
    assert allowed("deliver", case, case_people.clerk) is False  # not READY
    assert allowed("no_such_action", case, personas.director) is False
    assert allowed("deem_accepted", case, None) is True
    assert allowed("deem_accepted", case, personas.director) is False
    assert names(actions_for(case, case_people.clerk)) == [
        "notify_correction", "accept", "accept_pending", "refuse", "forward", "withdraw"]
    assert actions_for(case, case_people.samr_reviewer) == []
    assert "deem_accepted" not in names(actions_for(case, None))


# --- Clocks --------------------------------------------------------------------------------------------

def test_a_suspensions_working_days_move_the_due_date_and_a_recount_keeps_it(receive, case_people, restaurant):
    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
    assert (case.clock_workdays, case.due_date, case.warn_date) == (8, date(2026, 12, 11), date(2026, 12, 10))
    with at("2026-12-02"):
        case = review.suspend(case, by=case_people.samr_reviewer, task=case.tasks.get(item=restaurant.company),
                              kind="expert_review", reason="专家评审")
    with at("2026-12-09"):  # Dec 3, 4, 7, 8, 9: five working days
        case = review.resume(case, by=case_people.samr_reviewer)
    assert (case.suspended_workdays, case.clock_workdays) == (5, 13)
    assert (case.due_date, case.warn_date) == (date(2026, 12, 18), date(2026, 12, 17))
    assert Suspension.objects.get(case=case).workdays == 5
    Suspension.objects.filter(case=case).update(workdays=0)
    assert clocks.count_suspension_workdays(Suspension.objects.filter(case=case)) == 1
    assert Suspension.objects.get(case=case).workdays == 5
    assert clocks.recompute(None) == 0  # everything is right already
    case.refresh_from_db()
    assert case.due_date == date(2026, 12, 18)


def test_a_suspension_begun_before_a_task_opened_does_not_lengthen_that_task(receive, case_people, restaurant):
    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
    with at("2026-12-02"):
        case = review.suspend(case, by=case_people.samr_reviewer, task=case.tasks.get(item=restaurant.company),
                              kind="expert_review", reason="专家评审")
    with at("2026-12-04"):  # Dec 3, 4
        case = review.resume(case, by=case_people.samr_reviewer)
        case = review.approve(case, by=case_people.samr_reviewer, task=case.tasks.get(item=restaurant.company),
                              reason="可")
    company, fire = case.tasks.get(item=restaurant.company), case.tasks.get(item=restaurant.fire)
    assert (company.suspended_workdays, fire.suspended_workdays) == (2, 0)
    assert fire.due_date == date(2026, 12, 15)  # 7 working days from Friday Dec 4


def test_no_ended_suspension_counts_nothing(receive):
    receive()
    assert clocks.count_suspension_workdays(Suspension.objects.all()) == 0
    assert clocks.refresh_case_clocks(Case.objects.none()) == 0


# --- Queues and figures --------------------------------------------------------------------------------

def test_the_review_queue_is_soonest_due_first_and_only_open_tasks(receive, case_people, restaurant):
    with at("2026-12-03"):
        later = intake.accept(receive(), by=case_people.clerk)
    with at("2026-12-01"):
        sooner = intake.accept(receive(), by=case_people.clerk)
    queue = selectors.review_queue(case_people.samr_reviewer).order_by(*selectors.REVIEW_ORDER)
    assert [(t.case_id, t.due_date) for t in queue] == [(sooner.pk, date(2026, 12, 2)), (later.pk, date(2026, 12, 4))]
    assert list(selectors.review_queue(case_people.fire_reviewer)) == []


def test_the_intake_queue_holds_todays_cases_and_those_waiting(receive, case_people, personas):
    with at("2026-12-01"):
        waiting = receive()
        accepted_then = intake.accept(receive(), by=case_people.clerk)
    with at("2026-12-02"):
        accepted_today = intake.accept(receive(), by=case_people.clerk)
    queue = selectors.intake_queue(case_people.clerk, date(2026, 12, 2))
    assert sorted(queue.values_list("pk", flat=True)) == sorted([waiting.pk, accepted_today.pk])
    assert accepted_then.pk not in queue.values_list("pk", flat=True)
    assert list(selectors.intake_queue(personas.director, date(2026, 12, 2))) == []
    assert list(selectors.intake_queue(case_people.delivery_clerk, date(2026, 12, 2))) == []


@pytest.mark.parametrize("today, overdue, due_soon", [
    ("2026-12-09", 0, 0), ("2026-12-10", 0, 1), ("2026-12-11", 0, 1), ("2026-12-14", 1, 0)])
def test_overdue_and_due_soon_turn_at_the_warning_and_the_due_date(receive, today, overdue, due_soon):
    with at("2026-12-04"):
        case = receive()
    assert (case.warn_date, case.due_date) == (date(2026, 12, 10), date(2026, 12, 11))
    day = date.fromisoformat(today)
    assert Case.objects.filter(selectors.overdue_q(day)).count() == overdue
    assert Case.objects.filter(selectors.due_soon_q(day)).count() == due_soon


def test_a_case_waiting_for_delivery_is_neither_overdue_nor_due_soon(receive, case_people, restaurant):
    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
        case = review.approve(case, by=case_people.samr_reviewer, task=case.tasks.get(item=restaurant.company), reason="可")
        case = review.deny(case, by=case_people.fire_reviewer, task=case.tasks.get(item=restaurant.fire), reason="否")
    assert case.status == "ready"
    assert Case.objects.filter(selectors.overdue_q(date(2027, 6, 1))).count() == 0
    assert Case.objects.filter(selectors.due_soon_q(case.due_date)).count() == 0
    assert list(selectors.delivery_queue(case_people.delivery_clerk)) == [case]
    assert list(selectors.delivery_queue(case_people.clerk)) == [case]  # an intake window is not filtered
    assert selectors.status_counts(Case.objects.all()) == {
        "received": 0, "prechecking": 0, "correcting": 0, "refused": 0, "reviewing": 0, "suspended": 0, "ready": 1, "closed": 0,
        "withdrawn": 0}


# --- Edges the mutation run found untested -------------------------------------------------------------

def test_a_window_clerk_is_intake_only_at_their_own_window_and_a_reviewer_only_on_cases_with_their_task(
        receive, case_people):
    with at("2026-12-01"):
        reviewing = intake.accept(receive(), by=case_people.clerk)
        waiting = receive()
    assert roles_of(case_people.specialist_clerk, waiting) == set()  # a window, but not this case's
    assert roles_of(case_people.samr_reviewer, reviewing) == {"reviewer"}
    assert roles_of(case_people.samr_reviewer, waiting) == set()  # the department's task is on the other case


def test_a_unit_head_over_the_reviewing_department_reviews_and_plain_staff_above_it_does_not(
        county, receive, case_people):
    from tongban.org import services as org

    head = org.create_staff(staff_no="head", name="陶中心", unit=county.center, role="unit_head", username="head",
                            password="x-Tongban-2026").user
    plain = org.create_staff(staff_no="plain", name="柳科员", unit=county.center, role="staff", username="plain",
                             password="x-Tongban-2026").user
    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
    assert roles_of(head, case) == {"reviewer", "leader", "head"}  # the head of the reviewing department (§42)
    assert roles_of(plain, case) == set()


def test_a_superuser_without_a_staff_record_leads_and_has_no_window_queue(receive, case_people, restaurant):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", password="x-Tongban-2026")
    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
        case = review.approve(case, by=case_people.samr_reviewer, task=case.tasks.get(item=restaurant.company), reason="可")
        case = review.deny(case, by=case_people.fire_reviewer, task=case.tasks.get(item=restaurant.fire), reason="否")
    assert roles_of(root, case) == {"leader"}
    assert list(selectors.intake_queue(root, date(2026, 12, 1))) == []
    assert list(selectors.delivery_queue(root)) == [case]


def test_a_delivery_clerk_of_another_delivery_window_sees_none_of_its_cases(county, receive, case_people, restaurant):
    from tongban.org import services as org

    org.create_window(code="C02", name="二号出件窗口", kind="delivery", unit=county.center)
    other = org.create_staff(staff_no="deliver2", name="褚出件", unit=county.center, role="window_clerk",
                             window=county.center.windows.get(code="C02"), username="deliver2",
                             password="x-Tongban-2026").user
    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
        case = review.approve(case, by=case_people.samr_reviewer, task=case.tasks.get(item=restaurant.company), reason="可")
        case = review.deny(case, by=case_people.fire_reviewer, task=case.tasks.get(item=restaurant.fire), reason="否")
    assert case.delivery_window.code == "C01"
    assert list(selectors.delivery_queue(case_people.delivery_clerk)) == [case]
    assert list(selectors.delivery_queue(other)) == []


def test_the_queues_read_their_rows_in_one_query(receive, case_people, django_assert_num_queries):
    with at("2026-12-01"):
        intake.accept(receive(), by=case_people.clerk)
        receive()
    with django_assert_num_queries(1):
        rows = [(c.intake_window.name, c.intake_unit.name) for c in selectors.list_rows(Case.objects.all())]
    assert rows == [("综合受理一号窗", "测试县行政审批服务中心")] * 2
    queue = selectors.review_queue(case_people.samr_reviewer)
    with django_assert_num_queries(1):
        rows = [(t.case.status, t.item.name, t.unit.name) for t in queue]
    assert rows == [("reviewing", "营业执照（企业设立登记）", "县市场监管局")]


def test_a_suspension_over_a_weekend_counts_no_working_day_and_other_cases_tasks_keep_theirs(receive, case_people, restaurant):
    with at("2026-12-04"):  # a Friday
        case = intake.accept(receive(), by=case_people.clerk)
        other = intake.accept(receive(), by=case_people.clerk)
        case = review.suspend(case, by=case_people.samr_reviewer, task=case.tasks.get(item=restaurant.company),
                              kind="expert_review", reason="专家评审")
    with at("2026-12-06"):  # Sunday: Dec 5 and 6 are days off
        case = review.resume(case, by=case_people.samr_reviewer)
    assert Suspension.objects.get(case=case).workdays == 0
    with at("2026-12-07"):
        case = review.suspend(case, by=case_people.samr_reviewer, task=case.tasks.get(item=restaurant.company),
                              kind="expert_review", reason="再评审")
    with at("2026-12-08"):
        case = review.resume(case, by=case_people.samr_reviewer)
    assert (case.suspended_workdays, case.tasks.get(item=restaurant.company).suspended_workdays) == (1, 1)
    assert other.tasks.get(item=restaurant.company).suspended_workdays == 0


def test_a_warning_longer_than_the_clock_warns_on_the_first_day(receive):
    from tongban.cases.models import CaseSettings

    with at("2026-12-04"):
        case = receive()
    CaseSettings.objects.update(warn_workdays=9)
    case = clocks.refresh_case_clock(case)
    assert (case.clock_workdays, case.warn_workdays, case.warn_date) == (5, 0, date(2026, 12, 4))


def test_recompute_since_a_day_counts_the_due_dates_it_moved(receive, case_people, restaurant):
    with at("2026-12-01"):
        suspended = intake.accept(receive(), by=case_people.clerk)
        suspended = review.suspend(suspended, by=case_people.samr_reviewer, reason="专家评审", kind="expert_review",
                                   task=suspended.tasks.get(item=restaurant.company))
    with at("2026-12-04"):
        suspended = review.resume(suspended, by=case_people.samr_reviewer)  # Dec 2, 3, 4
        stale = receive()
    assert (suspended.due_date, stale.due_date) == (date(2026, 12, 16), date(2026, 12, 11))
    Suspension.objects.update(workdays=0)
    Case.objects.update(due_date=date(2027, 1, 1))  # both wrong: the suspension's case and one after the day
    assert clocks.recompute(date(2026, 12, 4)) == 2
    assert set(Case.objects.values_list("due_date", flat=True)) == {date(2026, 12, 16), date(2026, 12, 11)}


def test_task_steps_are_stored_when_the_task_opens_the_first_current_with_its_own_due_date(food_case_with_steps):
    task = food_case_with_steps.tasks.get()
    steps = list(task.steps.values_list("order", "name", "status", "started_on", "due_date"))
    assert steps == [(1, "审查", "current", date(2026, 12, 1), date(2026, 12, 4)), (2, "决定", "waiting", None, None)]
    assert task.steps_before_decision == 1


def test_a_tasks_suspended_days_come_from_its_own_cases_suspensions_only(receive, case_people, restaurant):
    with at("2026-12-01"):
        first = intake.accept(receive(), by=case_people.clerk)
        second = intake.accept(receive(), by=case_people.clerk)
    for case, begin, end in ((first, "2026-12-02", "2026-12-04"), (second, "2026-12-07", "2026-12-08")):
        with at(begin):
            case = review.suspend(case, by=case_people.samr_reviewer, task=case.tasks.get(item=restaurant.company),
                                  kind="expert_review", reason="专家评审")
        with at(end):
            review.resume(case, by=case_people.samr_reviewer)
    assert first.tasks.get(item=restaurant.company).suspended_workdays == 2  # Dec 3, 4
    assert second.tasks.get(item=restaurant.company).suspended_workdays == 1  # Dec 8


def test_a_step_without_a_day_limit_has_no_due_day_and_an_item_without_steps_has_none(
        county, case_people, restaurant):
    from tongban.catalog.models import Step

    Step.objects.bulk_create([Step(item=restaurant.food, order=1, name="审查", days=0),
                              Step(item=restaurant.food, order=2, name="决定", days=2)])
    with at("2026-12-01"):
        case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.food,
                                   applicant=person_applicant(), materials={
                                       "layout_plan": "received", "health_cert": "received", "business_licence": "received"})
        case = intake.accept(case, by=case_people.clerk)
        company = intake.accept(intake.receive_case(by=case_people.clerk, window=county.intake_window,
                                                    item=restaurant.company, applicant=person_applicant(),
                                                    materials={"application_form": "received", "premises_proof": "received"}),
                                by=case_people.clerk)
    assert list(case.tasks.get().steps.values_list("name", "due_date")) == [("审查", None), ("决定", None)]
    assert not company.tasks.get().steps.exists() and company.tasks.get().steps_before_decision == 0
