"""The flow inside a task and after the decision: steps completed in order with their own clocks (环节超时),
§42 延长审批期限 (request, the head's approval, the clocks, the notice), §44 出件期限; through the services, the
case page's forms (personas) and the API. Tuesday 2026-12-01 is the day of acceptance throughout."""
from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from tongban.cases.models import Case, CaseEvent, CaseSettings, Extension, TaskStep
from tongban.cases.services import extensions, intake, review
from tongban.cases.tests.conftest import person_applicant
from tongban.cases.tests.test_services import at
from tongban.catalog.models import Step

pytestmark = pytest.mark.django_db

FOOD_BROUGHT = {"layout_plan": "received", "health_cert": "received", "business_licence": "received"}


@pytest.fixture
def head(county):
    """县市场监管局's head: 本行政机关负责人 for its tasks (§42)."""
    from tongban.org import services as org
    from tongban.conftest import PASSWORD

    return org.create_staff(staff_no="juzhang", name="胡局长", unit=county.department, role="unit_head",
                            username="juzhang", password=PASSWORD).user


@pytest.fixture
def food_case(county, case_people, restaurant):
    """食品经营许可 (promised 5 working days) with three catalogue steps, accepted on 2026-12-01."""
    Step.objects.bulk_create([Step(item=restaurant.food, order=1, name="受理审查", days=1),
                              Step(item=restaurant.food, order=2, name="审核", days=2),
                              Step(item=restaurant.food, order=3, name="决定", days=2)])
    with at("2026-12-01"):
        case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.food,
                                   applicant=person_applicant(), materials=FOOD_BROUGHT)
        return intake.accept(case, by=case_people.clerk)


@pytest.fixture
def plain_food_case(county, case_people, restaurant):
    """食品经营许可 without catalogue steps, accepted on 2026-12-01 (due 2026-12-08)."""
    with at("2026-12-01"):
        case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.food,
                                   applicant=person_applicant(), materials=FOOD_BROUGHT)
        return intake.accept(case, by=case_people.clerk)


def steps_of(case):
    return list(TaskStep.objects.filter(task__case=case).order_by("order")
                .values_list("name", "status", "started_on", "due_date", "completed_on"))


# --- Steps ---------------------------------------------------------------------------------------------

def test_the_reviewer_completes_the_steps_in_order_and_the_decision_completes_the_last(food_case, case_people):
    task = food_case.tasks.get()
    with at("2026-12-01"), pytest.raises(ValidationError) as refused:
        review.approve(food_case, by=case_people.samr_reviewer, task=task, reason="可")
    assert refused.value.code == "case_steps_open" and "还有 2 个环节未完成" in refused.value.messages[0]
    with at("2026-12-02"):
        review.complete_step(food_case, by=case_people.samr_reviewer, task=task, reason="材料齐全")
    with at("2026-12-03"):
        case = review.complete_step(food_case, by=case_people.samr_reviewer, task=task, reason="符合条件")
    assert steps_of(case) == [
        ("受理审查", "done", date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 2)),
        ("审核", "done", date(2026, 12, 2), date(2026, 12, 4), date(2026, 12, 3)),
        ("决定", "current", date(2026, 12, 3), date(2026, 12, 7), None)]
    with at("2026-12-03"), pytest.raises(ValidationError) as none_left:
        review.complete_step(case, by=case_people.samr_reviewer, task=task, reason="再来")
    assert none_left.value.code == "case_step_none_open"
    with at("2026-12-04"):
        case = review.approve(case, by=case_people.samr_reviewer, task=task, reason="准予许可")
    assert case.status == "ready" and steps_of(case)[2][1:] == ("done", date(2026, 12, 3), date(2026, 12, 7), date(2026, 12, 4))
    done = TaskStep.objects.get(task=task, order=1)
    assert (done.completed_by, done.opinion) == (case_people.samr_reviewer, "材料齐全")
    assert CaseEvent.objects.filter(case=case, code="case.step_completed").count() == 2


def test_a_step_can_be_late_while_the_case_is_on_time_and_supervision_finds_it_in_sql(food_case, case_people):
    from tongban.cases.selectors import overdue_q, step_overdue_q

    today = date(2026, 12, 3)  # 受理审查 was due 12-02; the case is due 12-08
    assert not Case.objects.filter(overdue_q(today)).exists()
    late = TaskStep.objects.filter(step_overdue_q(today))
    assert list(late.values_list("name", flat=True)) == ["受理审查"]
    with at("2026-12-03"):
        review.complete_step(food_case, by=case_people.samr_reviewer, task=food_case.tasks.get(), reason="材料齐全")
    assert not TaskStep.objects.filter(step_overdue_q(today)).exists()  # 审核 runs from 12-03, due 12-07


def test_a_suspension_while_a_step_runs_moves_that_steps_due_date(food_case, case_people):
    task = food_case.tasks.get()
    with at("2026-12-02"):
        case = review.suspend(food_case, by=case_people.samr_reviewer, task=task, kind="expert_review", reason="专家评审")
    with at("2026-12-04"):
        review.resume(case, by=case_people.samr_reviewer)
    assert TaskStep.objects.get(task=task, order=1).due_date == date(2026, 12, 4)  # 1 + 2 suspended working days


def test_a_day_off_declared_later_moves_the_current_steps_stored_due_date(food_case, case_people):
    from tongban.workdays import services as workdays

    with at("2026-12-02"):
        review.complete_step(food_case, by=case_people.samr_reviewer, task=food_case.tasks.get(), reason="齐全")
    assert TaskStep.objects.get(name="审核").due_date == date(2026, 12, 4)
    workdays.override_day(date(2026, 12, 3), is_workday=False, holiday_name="临时停工", by=case_people.clerk)
    assert TaskStep.objects.get(name="审核").due_date == date(2026, 12, 7)


def test_a_withdrawal_stops_the_open_steps(food_case, case_people):
    from tongban.cases.services import delivery

    with at("2026-12-02"):
        delivery.withdraw(food_case, by=case_people.clerk, reason="申请人撤回")
    assert {s[1] for s in steps_of(food_case)} == {"cancelled"}


# --- §42 延长审批期限 ------------------------------------------------------------------------------------

def test_an_approved_extension_grows_the_task_and_case_clocks_by_the_working_days(plain_food_case, case_people, head):
    case, task = plain_food_case, plain_food_case.tasks.get()
    assert (case.due_date, task.due_date) == (date(2026, 12, 8), date(2026, 12, 8))
    with at("2026-12-04"):
        case = extensions.request_extension(case, by=case_people.samr_reviewer, task=task, workdays=3,
                                            reason="需补充调查经营场所周边情况")
    assert Case.objects.get(pk=case.pk).due_date == date(2026, 12, 8)  # nothing moves before the head approves
    with at("2026-12-07"):
        case = extensions.approve_extension(case, by=head, task=task, reason="同意")
    task.refresh_from_db()
    assert (case.extended_workdays, task.extended_workdays) == (3, 3)
    assert (case.due_date, task.due_date) == (date(2026, 12, 11), date(2026, 12, 11))  # 8 → 9, 10, 11
    extension = Extension.objects.get()
    assert (extension.status, extension.due_before, extension.due_after, extension.decided_by) == (
        "approved", date(2026, 12, 8), date(2026, 12, 11), head)
    codes = list(CaseEvent.objects.filter(case=case, code__startswith="case.extension").values_list("code", "blzt"))
    assert codes == [("case.extension_requested", None), ("case.extension_approved", None)]
    assert not task.extension_pending


def test_the_extension_is_capped_by_the_setting_and_never_approved_by_the_one_who_asked(plain_food_case, case_people, head):
    case, task = plain_food_case, plain_food_case.tasks.get()
    with at("2026-12-04"):
        with pytest.raises(ValidationError) as too_many:
            extensions.request_extension(case, by=case_people.samr_reviewer, task=task, workdays=11, reason="复杂")
        assert too_many.value.code == "case_extension_days" and "1 至 10" in too_many.value.messages[0]
        extensions.request_extension(case, by=head, task=task, workdays=10, reason="情况复杂")
        with pytest.raises(ValidationError) as twice:
            extensions.request_extension(case, by=case_people.samr_reviewer, task=task, workdays=1, reason="再申请")
        assert twice.value.code == "case_extension_pending"
        with pytest.raises(ValidationError) as own:
            extensions.approve_extension(case, by=head, task=task)
        assert own.value.code == "case_extension_own"
        with pytest.raises(ValidationError) as not_head:
            extensions.approve_extension(case, by=case_people.samr_reviewer, task=task)
        assert not_head.value.code == "case_not_your_role"
    director = _director()  # a centre leader approves instead
    with at("2026-12-04"):
        extensions.approve_extension(case, by=director, task=task)
        with pytest.raises(ValidationError) as used_up:
            extensions.request_extension(case, by=case_people.samr_reviewer, task=task, workdays=1, reason="再延")
    assert used_up.value.code == "case_extension_used_up"
    CaseSettings.objects.update(extension_max_workdays=12)  # a county changes the setting without code
    with at("2026-12-04"):
        extensions.request_extension(case, by=case_people.samr_reviewer, task=task, workdays=2, reason="再延")


def _director():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="director")


def test_a_refused_extension_moves_nothing_and_frees_the_task_for_a_new_request(plain_food_case, case_people, head):
    case, task = plain_food_case, plain_food_case.tasks.get()
    with at("2026-12-04"):
        extensions.request_extension(case, by=case_people.samr_reviewer, task=task, workdays=5, reason="复杂")
        with pytest.raises(ValidationError):
            extensions.refuse_extension(case, by=head, task=task, reason="")
        case = extensions.refuse_extension(case, by=head, task=task, reason="理由不充分")
        extensions.request_extension(case, by=case_people.samr_reviewer, task=task, workdays=2, reason="补充")
    assert Case.objects.get(pk=case.pk).due_date == date(2026, 12, 8)
    assert list(Extension.objects.values_list("status", flat=True)) == ["refused", "pending"]


def test_a_bundle_case_may_be_extended_up_to_the_joint_cap_in_all(receive, case_people, head, restaurant):
    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
        case = review.approve(case, by=case_people.samr_reviewer, task=case.tasks.get(item=restaurant.company), reason="可")
    food, fire = case.tasks.get(item=restaurant.food), case.tasks.get(item=restaurant.fire)
    with at("2026-12-02"):
        extensions.request_extension(case, by=case_people.samr_reviewer, task=food, workdays=10, reason="复杂")
        case = extensions.approve_extension(case, by=head, task=food)
        with pytest.raises(ValidationError) as over:
            extensions.request_extension(case, by=case_people.fire_reviewer, task=fire, workdays=6, reason="复杂")
    assert "1 至 5" in over.value.messages[0]  # §42 ¶2: 15 for the case in all, 10 already granted


def test_the_extension_notice_tells_the_applicant_the_reason_and_the_new_date(
        client_for, plain_food_case, case_people, head):
    case, task = plain_food_case, plain_food_case.tasks.get()
    clerk = client_for(case_people.clerk)
    assert clerk.get(f"/cases/{case.number}/notice/extension/").status_code == 404
    with at("2026-12-04"):
        extensions.request_extension(case, by=case_people.samr_reviewer, task=task, workdays=3, reason="需补充现场核查")
        extensions.approve_extension(case, by=head, task=task)
    response = clerk.get(f"/cases/{case.number}/notice/extension/")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "延长审批期限告知书" in text and f"编号：{case.number}" in text and "李四：" in text
    assert "因需补充现场核查" in text and "第四十二条" in text and "延长3个工作日" in text
    assert "由2026年12月8日延长至2026年12月11日" in text and "2026年12月4日批准" in text
    page = clerk.get(f"/cases/{case.number}/").content.decode()
    assert "延长审批期限告知书" in page and 'id="extended">3 个工作日' in page and "需补充现场核查" in page


def test_the_reviewer_asks_and_the_head_approves_on_the_case_page(client_for, plain_food_case, case_people, head):
    case, task = plain_food_case, plain_food_case.tasks.get()
    with at("2026-12-04"):  # logged in on the day: a session ends after 30 idle minutes
        reviewer = client_for(case_people.samr_reviewer)
        page = reviewer.get(f"/cases/{case.number}/").content.decode()
        assert ">申请延长审批期限</button>" in page and ">批准延长</button>" not in page and "最多 10 个工作日" in page
        response = reviewer.post(f"/cases/{case.number}/act/", {"action": "request_extension", "task": task.pk,
                                                                "workdays": "3", "reason": "需补充调查"})
        assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
        assert ">申请延长审批期限</button>" not in reviewer.get(f"/cases/{case.number}/").content.decode()
        boss = client_for(head)
        page = boss.get(f"/cases/{case.number}/").content.decode()
        assert ">批准延长</button>" in page and ">不予批准延长</button>" in page and "延期待审批" in page
        response = boss.post(f"/cases/{case.number}/act/", {"action": "approve_extension", "task": task.pk})
        assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert Case.objects.get(pk=case.pk).due_date == date(2026, 12, 11)


def test_the_api_runs_the_extension_through_the_same_table(api_for, plain_food_case, case_people, head):
    case, task = plain_food_case, plain_food_case.tasks.get()
    url = f"/api/v1/cases/{case.number}/transitions/"
    reviewer = api_for(case_people.samr_reviewer)
    with at("2026-12-04"):
        body = reviewer.post(url, {"action": "request_extension", "task": task.pk, "workdays": 30, "reason": "x"},
                             format="json")
        assert body.status_code == 400
        body = reviewer.post(url, {"action": "request_extension", "task": task.pk, "workdays": 3, "reason": "需调查"},
                             format="json").json()
        assert body["task_actions"][str(task.pk)] == ["approve", "deny", "suspend"]  # no second request
        assert body["tasks"][0]["extension_pending"] is True
        refused = reviewer.post(url, {"action": "approve_extension", "task": task.pk}, format="json")
        assert refused.status_code == 400 and refused.json()["code"] == "case_not_your_role"
        body = api_for(head).post(url, {"action": "approve_extension", "task": task.pk}, format="json").json()
    assert body["due_date"] == "2026-12-11" and body["extended_workdays"] == 3
    assert body["extensions"][0]["status"] == "approved"


# --- §44 出件期限 -----------------------------------------------------------------------------------------

def test_the_decision_starts_the_delivery_clock_and_the_queue_shows_it_late(client_for, plain_food_case, case_people):
    with at("2026-12-02"):
        case = review.approve(plain_food_case, by=case_people.samr_reviewer, task=plain_food_case.tasks.get(), reason="可")
    assert (case.decided_on, case.delivery_workdays, case.delivery_due_date) == (date(2026, 12, 2), 10, date(2026, 12, 16))
    from tongban.cases.selectors import delivery_overdue_q

    assert not Case.objects.filter(delivery_overdue_q(date(2026, 12, 16))).exists()
    assert list(Case.objects.filter(delivery_overdue_q(date(2026, 12, 17)))) == [case]
    with at("2026-12-10"):
        queue = client_for(case_people.delivery_clerk).get("/cases/delivery/").content.decode()
    assert 'id="case-table"' in queue
    assert "出件期限（§44）" in queue and "2026-12-16" in queue and "出件超期" not in queue
    with at("2026-12-17"):
        queue = client_for(case_people.delivery_clerk).get("/cases/delivery/").content.decode()
        page = client_for(case_people.delivery_clerk).get(f"/cases/{case.number}/").content.decode()
    assert "出件超期" in queue and 'id="delivery-due">2026-12-16 <span class="badge text-bg-danger">出件超期' in page


def test_the_delivery_limit_is_a_setting_and_a_calendar_change_moves_the_stored_date(plain_food_case, case_people):
    from tongban.workdays import services as workdays

    CaseSettings.objects.update(delivery_workdays=5)
    with at("2026-12-02"):
        case = review.approve(plain_food_case, by=case_people.samr_reviewer, task=plain_food_case.tasks.get(), reason="可")
    assert case.delivery_due_date == date(2026, 12, 9)
    workdays.override_day(date(2026, 12, 7), is_workday=False, holiday_name="临时停工", by=case_people.clerk)
    assert Case.objects.get(pk=case.pk).delivery_due_date == date(2026, 12, 10)


# --- The case page's forms ---------------------------------------------------------------------------------

def post(client, case, data):
    return client.post(f"/cases/{case.number}/act/", data)


def test_every_error_of_a_task_form_shows_at_once_next_to_its_field_and_the_text_stays(
        client_for, plain_food_case, case_people):
    task = plain_food_case.tasks.get()
    reviewer = client_for(case_people.samr_reviewer)
    response = post(reviewer, plain_food_case, {"action": "request_extension", "task": task.pk, "workdays": "三天", "reason": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写整数个工作日。" in page and "申请延长审批期限须填写意见或理由。" in page
    assert 'value="三天"' in page
    page = post(reviewer, plain_food_case, {"action": "request_extension", "task": task.pk, "workdays": "30"}).content.decode()
    assert "最多还能延长 10 个工作日（行政许可法第四十二条，上限 10）。" in page and "须填写意见或理由" in page
    response = post(client_for(case_people.samr_reviewer), plain_food_case,
                    {"action": "suspend", "task": task.pk, "kind": "magic", "reason": "专家评审要做"})
    page = response.content.decode()
    assert response.status_code == 400 and "不是可选的值" in page and 'value="专家评审要做"' in page
    assert not Extension.objects.exists() and Case.objects.get().status == "reviewing"


def test_every_error_of_the_case_form_shows_at_once(client_for, case_people, receive):
    case = receive(applicant=person_applicant())
    response = post(client_for(case_people.clerk), case, {"action": "accept_pending", "pending_due": "明天",
                                                          "m_fire_plan": "lost", "p_fire_plan": "x" * 400})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写有效的日期" in page and "请勾选已签署" in page and "“lost”不是可选的值" in page
    assert "300" in page.split('name="p_fire_plan"')[1].split("</td>")[0]  # its length error, beside it
    assert 'value="明天"' in page and Case.objects.get().status == "received"


def test_a_service_refusal_is_shown_on_the_form_and_no_post_is_a_500(client_for, case_people, plain_food_case, receive):
    other = receive()
    task = plain_food_case.tasks.get()
    reviewer = client_for(case_people.samr_reviewer)
    cases = [
        ({"action": "approve", "task": task.pk}, "准予须填写意见或理由"),
        ({"action": "approve", "task": other.tasks.first().pk, "reason": "x"}, "不属于这个办件"),
        ({"action": "approve", "task": "abc", "reason": "x"}, "请指明审查的是哪个部门的任务"),
        ({"action": "approve", "reason": "x"}, "请指明审查的是哪个部门的任务"),
        ({"action": "fly"}, "未知的操作"),
        ({}, "未知的操作"),
        ({"action": "deliver"}, "不能出件办结"),
        ({"action": "resume"}, "不能特别程序结束"),
        ({"action": "complete_step", "task": task.pk, "reason": "x"}, "没有需要先完成的环节"),
        ({"action": "approve_extension", "task": task.pk}, "您不是该办件的审查部门负责人或中心领导"),
        ({"action": "request_extension", "task": task.pk, "workdays": "0", "reason": "x"}, "至少为 1"),
        ({"action": "request_extension", "task": task.pk, "workdays": "12", "reason": "x"}, "最多还能延长 10 个工作日"),
    ]
    for data, message in cases:
        response = post(reviewer, plain_food_case, data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), (data, message)
    assert Case.objects.get(pk=plain_food_case.pk).status == "reviewing"


def test_a_stale_page_gets_the_reason_not_a_500(client_for, case_people, plain_food_case):
    task = plain_food_case.tasks.get()
    reviewer = client_for(case_people.samr_reviewer)
    assert post(reviewer, plain_food_case, {"action": "approve", "task": task.pk, "reason": "可"}).status_code == 302
    again = post(reviewer, plain_food_case, {"action": "deny", "task": task.pk, "reason": "否"})
    assert again.status_code == 400 and "不能不予许可" in again.content.decode()
    deliver = client_for(case_people.delivery_clerk)
    response = post(deliver, plain_food_case, {"action": "deliver", "method": "post", "recipient": "李四"})
    page = response.content.decode()
    assert response.status_code == 400 and "邮寄送达须填写邮寄单号。" in page and 'value="李四"' in page
    assert post(deliver, plain_food_case, {"action": "deliver", "method": "paper"}).status_code == 302
    stale = post(deliver, plain_food_case, {"action": "deliver", "method": "paper"})
    assert stale.status_code == 400 and "不能出件办结" in stale.content.decode()


def test_steps_are_completed_on_the_case_page(client_for, case_people, food_case):
    task = food_case.tasks.get()
    with at("2026-12-01"):
        reviewer = client_for(case_people.samr_reviewer)
        page = reviewer.get(f"/cases/{food_case.number}/").content.decode()
        assert ">完成本环节</button>" in page and ">准予</button>" not in page
        for opinion in ("齐全", "符合"):
            response = post(reviewer, food_case, {"action": "complete_step", "task": task.pk, "reason": opinion})
            assert response.status_code == 302 and response["Location"] == f"/cases/{food_case.number}/"
        page = reviewer.get(f"/cases/{food_case.number}/").content.decode()
    assert ">完成本环节</button>" not in page and ">准予</button>" in page and "吴审查 12月1日：齐全" in page


def test_a_late_step_is_marked_on_the_page(client_for, case_people, food_case):
    with at("2026-12-03"):
        page = client_for(case_people.samr_reviewer).get(f"/cases/{food_case.number}/").content.decode()
    assert 'id="case-number"' in page
    steps = page.split('class="task-steps"')[1].split("</table>")[0]
    assert steps.count("环节超时") == 1 and "超期" not in page.split('id="due-date"')[1][:40]


# --- One roles query per page ------------------------------------------------------------------------------

@pytest.fixture
def bundle_of(county, case_people):
    from tongban.catalog import services as catalog
    from tongban.catalog.tests.helpers import make_item, material

    def make(n):
        bundle = catalog.create_bundle(slug=f"five-{n}", name=f"{n} 个事项", lead_unit=county.center)
        for i in range(n):
            catalog.add_bundle_item(bundle, make_item(f"Q-{n}-{i}", county.department, name=f"并联事项{n}-{i}",
                                                      materials=[material(f"doc{i}", f"材料{i}")]))
        with at("2026-12-01"):
            case = intake.receive_case(by=case_people.clerk, window=county.intake_window, bundle=bundle,
                                       applicant=person_applicant(),
                                       materials={f"doc{i}": "received" for i in range(n)})
            return intake.accept(case, by=case_people.clerk)

    return make


def test_the_case_page_asks_the_same_number_of_queries_at_one_and_at_five_tasks(client_for, case_people, bundle_of):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one, five = bundle_of(1), bundle_of(5)
    assert five.tasks.filter(status="reviewing").count() == 5
    client = client_for(case_people.samr_reviewer)
    counts = []
    for case in (one, five):
        client.get(f"/cases/{case.number}/")  # warm the session and the caches alike
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/cases/{case.number}/").content.decode()
        counts.append(len(queries))
        assert page.count(">完成本环节</button>") == case.tasks.count()
    assert counts[0] == counts[1], counts


def test_the_api_completes_steps_and_refuses_the_decision_before_them(api_for, food_case, case_people):
    task = food_case.tasks.get()
    url = f"/api/v1/cases/{food_case.number}/transitions/"
    api = api_for(case_people.samr_reviewer)
    with at("2026-12-01"):
        early = api.post(url, {"action": "approve", "task": task.pk, "reason": "可"}, format="json")
        assert early.status_code == 400 and early.json()["code"] == "case_steps_open"
        body = api.post(url, {"action": "complete_step", "task": task.pk, "reason": "齐全"}, format="json").json()
    steps = body["tasks"][0]["steps"]
    assert [(s["name"], s["status"]) for s in steps] == [("受理审查", "done"), ("审核", "current"), ("决定", "waiting")]
    assert steps[0]["opinion"] == "齐全" and steps[1]["due_date"] == "2026-12-03"
    assert body["task_actions"][str(task.pk)] == ["complete_step", "suspend", "request_extension"]


def test_only_those_handling_the_case_get_the_new_buttons_and_others_are_refused(
        client_for, personas, plain_food_case, case_people, head):
    task = plain_food_case.tasks.get()
    with at("2026-12-04"):
        extensions.request_extension(plain_food_case, by=case_people.samr_reviewer, task=task, workdays=2, reason="复杂")
        inspector = client_for(personas.inspector)
        page = inspector.get(f"/cases/{plain_food_case.number}/").content.decode()
        assert "</button>" not in page.split('id="tasks"')[1].split('id="materials"')[0]
        refused = post(inspector, plain_food_case, {"action": "approve_extension", "task": task.pk})
        assert refused.status_code == 400 and "您不是该办件的审查部门负责人或中心领导" in refused.content.decode()
        fire = post(client_for(case_people.fire_reviewer), plain_food_case, {"action": "approve_extension", "task": task.pk})
        assert fire.status_code == 404  # another department without a task on the case: not theirs
        other = post(client_for(personas.other_township_admin), plain_food_case,
                     {"action": "approve_extension", "task": task.pk})
        assert other.status_code == 404
        director = client_for(personas.director)
        assert ">批准延长</button>" in director.get(f"/cases/{plain_food_case.number}/").content.decode()
    assert Extension.objects.get().status == "pending"


JUNK = ["", "0", "-1", "99999999999999999999", "abc", "x" * 5000, "\x00", "2026-02-30", "<script>", "🙂"]


def test_no_post_of_any_action_with_garbage_is_a_500(client_for, food_case, case_people, head, receive):
    from tongban.cases.transitions import TRANSITIONS

    waiting = receive()
    fields = ["task", "reason", "result_number", "kind", "workdays", "pending_due", "promise_signed", "codes",
              "method", "licence_number", "electronic_licence_number", "tracking_number", "recipient",
              "m_fire_plan", "p_fire_plan"]
    with at("2026-12-02"):
        for user in (case_people.clerk, case_people.samr_reviewer, head, case_people.delivery_clerk):
            client = client_for(user)
            for n, action in enumerate([*TRANSITIONS, "nonsense"]):
                for case in (food_case, waiting):
                    data = {"action": action, **{f: JUNK[(n + i) % len(JUNK)] for i, f in enumerate(fields)}}
                    response = client.post(f"/cases/{case.number}/act/", data)
                    assert response.status_code in (302, 400, 404), (user, action, response.status_code)


def test_the_heads_workbench_lists_the_requests_waiting_and_the_leaders_picture_counts_late_steps(
        client_for, personas, food_case, case_people, head):
    task = food_case.tasks.get()
    with at("2026-12-03"):  # 受理审查 was due 12-02
        extensions.request_extension(food_case, by=case_people.samr_reviewer, task=task, workdays=2, reason="需现场核查")
        boss = client_for(head).get("/workbench/").content.decode()
        assert "延长审批期限待审批" in boss and food_case.number in boss.split('id="extension-requests"')[1]
        assert "延长审批期限待审批" not in client_for(case_people.samr_reviewer).get("/workbench/").content.decode()
        director = client_for(personas.director).get("/workbench/").content.decode()
        assert 'id="extension-requests"' in director and "环节超时 1" in director
        assert 'id="extension-requests"' not in client_for(personas.section_chief).get("/workbench/").content.decode()
