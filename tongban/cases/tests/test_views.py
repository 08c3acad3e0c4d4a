"""The case pages against the personas: what each sees, which buttons the transition table gives them, and
that personal data is masked in lists and revealed (and logged) only to handlers and leaders in scope."""
from __future__ import annotations

import pytest

from tongban.cases.models import Case, CaseEvent
from tongban.cases.services import intake, review
from tongban.cases.tests.conftest import ALL_BROUGHT, VALID_ID, person_applicant

pytestmark = pytest.mark.django_db

MASKED = "110***********002X"


@pytest.fixture
def person_case(receive):
    return receive(applicant=person_applicant())


def test_the_clerk_picks_a_bundle_and_sees_its_merged_checklist(client_for, case_people, restaurant):
    page = client_for(case_people.clerk).get(f"/cases/new/?bundle={restaurant.bundle.pk}").content.decode()
    assert "经营场所平面图" in page and "本一件事中办理的结果，申请人无需提交" in page


def test_the_intake_form_creates_the_case_and_opens_its_page(client_for, case_people, restaurant):
    data = {"bundle": restaurant.bundle.pk, **person_applicant(), **{f"m_{k}": v for k, v in ALL_BROUGHT.items()}}
    response = client_for(case_people.clerk).post("/cases/new/", data)
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.materials.get(identity__code="fire_plan").state == "received"


def test_a_bad_id_number_is_refused_in_chinese_and_what_was_typed_stays(client_for, case_people, restaurant):
    data = {"bundle": restaurant.bundle.pk, **person_applicant(id_number="110105194912310021", applicant_name="王五")}
    page = client_for(case_people.clerk).post("/cases/new/", data).content.decode()
    assert "校验位不正确" in page and 'value="王五"' in page and 'value="110105194912310021"' in page
    assert not Case.objects.exists()


def test_a_reviewer_cannot_open_the_intake_form(client_for, case_people):
    assert client_for(case_people.samr_reviewer).get("/cases/new/").status_code == 403


def test_the_clerk_gets_the_intake_buttons_and_the_reviewer_none(client_for, case_people, person_case):
    clerk_page = client_for(case_people.clerk).get(f"/cases/{person_case.number}/").content.decode()
    for label in ("一次性告知（补正）", "受理", "容缺受理", "不予受理", "申请人撤回"):
        assert f">{label}</button>" in clerk_page
    reviewer_page = client_for(case_people.samr_reviewer).get(f"/cases/{person_case.number}/").content.decode()
    assert "待开始" in reviewer_page and "</button>" not in reviewer_page.split('id="tasks"')[1].split("材料")[0]
    assert ">受理</button>" not in reviewer_page


def test_accepting_from_the_page_opens_the_first_departments_task(client_for, case_people, person_case, restaurant):
    client = client_for(case_people.clerk)
    response = client.post(f"/cases/{person_case.number}/act/", {"action": "accept"})
    assert response.status_code == 302
    page = client_for(case_people.samr_reviewer).get(f"/cases/{person_case.number}/").content.decode()
    assert ">准予</button>" in page and ">受理</button>" not in page


def test_a_refused_action_shows_the_reason_and_keeps_the_text(client_for, case_people, person_case):
    response = client_for(case_people.clerk).post(f"/cases/{person_case.number}/act/",
                                                  {"action": "deliver", "reason": "随便写的"})
    assert response.status_code == 400 and "不能出件办结" in response.content.decode()


def test_the_reviewer_queue_lists_only_the_departments_tasks_soonest_due_first(client_for, case_people, receive, restaurant):
    first = intake.accept(receive(), by=case_people.clerk)
    review.approve(first, by=case_people.samr_reviewer, task=first.tasks.get(item=restaurant.company), reason="可")
    fire_page = client_for(case_people.fire_reviewer).get("/cases/review/").content.decode()
    assert "公众聚集场所投入使用营业前消防安全检查" in fire_page and "食品经营许可" not in fire_page
    samr_page = client_for(case_people.samr_reviewer).get("/cases/review/").content.decode()
    assert "食品经营许可" in samr_page and "消防安全检查" not in samr_page


def test_another_township_never_sees_the_case(client_for, personas, person_case):
    client = client_for(personas.other_township_admin)
    assert client.get(f"/cases/{person_case.number}/").status_code == 404
    assert person_case.number not in client.get("/cases/").content.decode()


def test_a_township_admin_sees_the_cases_of_their_township(client_for, county, personas, case_people, restaurant):
    from tongban.catalog import services as catalog

    catalog.delegate_item(restaurant.drain, to=[county.township_a], mode="entrusted")
    case = intake.receive_case(by=case_people.township_clerk, window=county.township_window, item=restaurant.drain,
                               applicant=person_applicant())
    assert case.number in client_for(personas.township_admin).get("/cases/").content.decode()
    assert client_for(personas.other_township_admin).get(f"/cases/{case.number}/").status_code == 404


def test_lists_mask_the_id_number_and_phone(client_for, personas, person_case):
    page = client_for(personas.director).get("/cases/").content.decode()
    assert MASKED in page and "139****5678" in page and VALID_ID not in page


def test_the_clerk_reveals_the_full_values_and_the_reveal_is_logged(client_for, case_people, person_case):
    page = client_for(case_people.clerk).post(f"/cases/{person_case.number}/reveal/").content.decode()
    assert VALID_ID in page and "13900005678" in page
    event = CaseEvent.objects.get(case=person_case, code="case.personal_data_revealed")
    assert event.actor == case_people.clerk


def test_an_inspector_sees_the_case_masked_but_may_not_reveal(client_for, personas, person_case):
    client = client_for(personas.inspector)
    page = client.get(f"/cases/{person_case.number}/").content.decode()
    assert MASKED in page and VALID_ID not in page and 'id="reveal"' not in page
    assert client.post(f"/cases/{person_case.number}/reveal/").status_code == 403


def test_the_workbench_shows_each_persons_queue(client_for, personas, case_people, person_case):
    assert "待受理 / 补正中" in client_for(case_people.clerk).get("/workbench/").content.decode()
    intake.accept(person_case, by=case_people.clerk)
    assert person_case.number in client_for(case_people.samr_reviewer).get("/workbench/").content.decode()
    assert "办件情况" in client_for(personas.director).get("/workbench/").content.decode()


def test_the_delivery_window_sees_decided_cases(client_for, case_people, person_case, restaurant):
    case = intake.accept(person_case, by=case_people.clerk)
    people = case_people
    case = review.approve(case, by=people.samr_reviewer, task=case.tasks.get(item=restaurant.company), reason="可")
    case = review.deny(case, by=people.fire_reviewer, task=case.tasks.get(item=restaurant.fire), reason="不合格")
    client = client_for(people.delivery_clerk)
    assert case.number in client.get("/cases/delivery/").content.decode()
    response = client.post(f"/cases/{case.number}/act/", {"action": "deliver", "method": "paper", "recipient": "李四"})
    assert response.status_code == 302 and Case.objects.get(pk=case.pk).status == "closed"


def test_search_finds_a_case_by_the_whole_id_number_only(client_for, personas, person_case):
    client = client_for(personas.director)
    assert person_case.number in client.get(f"/cases/?q={VALID_ID}").content.decode()
    assert person_case.number not in client.get("/cases/?q=1101051949").content.decode()
    assert person_case.number in client.get(f"/cases/?q={person_case.number[:14]}").content.decode()


def test_an_open_task_shows_the_catalogue_steps_with_their_due_days(client_for, case_people, food_case_with_steps):
    case = food_case_with_steps
    page = client_for(case_people.samr_reviewer).get(f"/cases/{case.number}/").content.decode()
    steps = page.split('class="task-steps"')[1].split("</table>")[0]
    assert "1. 审查" in steps and "3 个工作日，至 12月4日" in steps and "办理中" in steps
    assert "2. 决定（审批决定）" in steps and "未开始" in steps


def test_a_township_clerk_is_offered_only_the_items_delegated_to_the_township(client_for, county, case_people, restaurant):
    from tongban.catalog import services as catalog

    catalog.delegate_item(restaurant.drain, to=[county.township_a], mode="entrusted")
    page = client_for(case_people.township_clerk).get("/cases/new/").content.decode()
    offered = page.split('id="id_item"')[1].split("</select>")[0]
    assert "城镇污水排入排水管网许可" in offered and "食品经营许可" not in offered
    assert "我要开饭店" not in page.split('id="id_bundle"')[1].split("</select>")[0]


def test_the_comprehensive_window_is_offered_every_item_and_bundle(client_for, case_people, restaurant):
    page = client_for(case_people.clerk).get("/cases/new/").content.decode()
    assert "我要开饭店" in page and "城镇污水排入排水管网许可" in page and "公众聚集场所投入使用营业前消防安全检查" in page


def test_the_intake_form_lists_items_in_a_fixed_number_of_queries(client_for, case_people, county, django_assert_max_num_queries):
    from tongban.catalog.tests.helpers import make_item

    for n in range(30):
        make_item(f"X-{n}", county.department, name=f"测试事项{n}")
    client = client_for(case_people.township_clerk)
    with django_assert_max_num_queries(25):
        client.get("/cases/new/")


def test_the_case_page_names_the_system_for_an_event_no_person_made(client_for, case_people, person_case):
    """The §32 job deems the case accepted: its event has no actor, and the page says 系统 (it used to fail
    with a server error on the empty actor)."""
    from datetime import timedelta

    from django.utils import timezone

    from tongban.cases.services.deadlines import intake_deadlines

    assert intake_deadlines(timezone.localdate() + timedelta(days=30))["deemed"] == 1
    page = client_for(case_people.clerk).get(f"/cases/{person_case.number}/")
    assert page.status_code == 200
    events = page.content.decode().split("视为受理")[-1]
    assert "· 系统" in events
