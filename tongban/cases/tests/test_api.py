"""/api/v1/cases/ against the personas: the same scope, transition table and services as the pages."""
from __future__ import annotations

import pytest

from tongban.cases.models import Case
from tongban.cases.services import intake
from tongban.cases.tests.conftest import VALID_ID, person_applicant

pytestmark = pytest.mark.django_db


@pytest.fixture
def person_case(receive):
    return receive(applicant=person_applicant())


def test_the_list_masks_personal_data(api_for, personas, person_case):
    body = api_for(personas.director).get("/api/v1/cases/").json()
    row = body["results"][0]
    assert (row["number"], row["id_number"], row["phone"]) == (person_case.number, "110***********002X", "139****5678")


def test_another_township_gets_an_empty_list_and_404(api_for, personas, person_case):
    api = api_for(personas.other_township_admin)
    assert api.get("/api/v1/cases/").json()["results"] == []
    assert api.get(f"/api/v1/cases/{person_case.number}/").status_code == 404


def test_the_detail_lists_tasks_materials_events_with_blzt_and_the_callers_actions(api_for, case_people, person_case):
    body = api_for(case_people.clerk).get(f"/api/v1/cases/{person_case.number}/").json()
    assert [e["blzt"] for e in body["events"]] == [1]
    assert {"accept", "notify_correction", "refuse", "withdraw"} <= set(body["actions"])
    assert len(body["tasks"]) == 4 and body["id_number"] == "110***********002X"


def test_a_clerk_creates_a_case_at_their_window(api_for, case_people, restaurant):
    response = api_for(case_people.clerk).post("/api/v1/cases/", {
        "item": restaurant.food.pk, **person_applicant(),
        "materials": [{"code": "layout_plan", "state": "pending"}, {"code": "health_cert", "state": "received"}],
    }, format="json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get(number=response.json()["number"])
    assert case.intake_window.code == "A01" and case.materials.get(identity__code="layout_plan").state == "pending"


def test_a_bad_id_number_answers_400_with_the_stable_code(api_for, case_people, restaurant):
    response = api_for(case_people.clerk).post("/api/v1/cases/", {
        "item": restaurant.food.pk, **person_applicant(id_number="110105194912310021")}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "case_id_check"


def test_someone_without_a_window_may_not_create(api_for, case_people, restaurant):
    response = api_for(case_people.samr_reviewer).post("/api/v1/cases/", {
        "item": restaurant.food.pk, **person_applicant()}, format="json")
    assert response.status_code == 403


def test_transitions_run_through_the_table(api_for, case_people, person_case, restaurant):
    clerk = api_for(case_people.clerk)
    body = clerk.post(f"/api/v1/cases/{person_case.number}/transitions/", {"action": "accept"}, format="json").json()
    assert body["status"] == "reviewing"
    task = next(t for t in body["tasks"] if t["item"] == restaurant.company.pk)
    refused = clerk.post(f"/api/v1/cases/{person_case.number}/transitions/",
                         {"action": "approve", "task": task["id"], "reason": "可"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "case_not_your_role"
    approved = api_for(case_people.samr_reviewer).post(f"/api/v1/cases/{person_case.number}/transitions/",
                                                       {"action": "approve", "task": task["id"], "reason": "可"},
                                                       format="json")
    assert approved.status_code == 200
    assert sorted(t["status"] for t in approved.json()["tasks"]) == ["approved", "reviewing", "reviewing", "reviewing"]


def test_a_task_of_another_case_is_refused(api_for, case_people, receive, person_case):
    other = intake.accept(receive(), by=case_people.clerk)
    response = api_for(case_people.samr_reviewer).post(
        f"/api/v1/cases/{person_case.number}/transitions/",
        {"action": "approve", "task": other.tasks.first().pk, "reason": "可"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "case_task_other_case"


def test_search_by_the_exact_id_number(api_for, personas, person_case):
    api = api_for(personas.director)
    assert len(api.get(f"/api/v1/cases/?q={VALID_ID}").json()["results"]) == 1
    assert api.get("/api/v1/cases/?q=1101051949").json()["results"] == []


def test_the_schema_describes_the_case_endpoints(api_for, personas):
    schema = api_for(personas.director).get("/api/v1/schema/?format=json").json()
    assert {"/api/v1/cases/", "/api/v1/cases/{number}/", "/api/v1/cases/{number}/transitions/"} <= set(schema["paths"])


def test_the_review_queue_lists_only_the_callers_department_soonest_due_first(api_for, case_people, receive, restaurant):
    from tongban.cases.services import review

    for _ in range(2):
        case = intake.accept(receive(), by=case_people.clerk)
        review.approve(case, by=case_people.samr_reviewer, task=case.tasks.get(item=restaurant.company), reason="可")
    fire = api_for(case_people.fire_reviewer).get("/api/v1/review-queue/").json()["results"]
    assert [(t["unit_name"], t["item"]) for t in fire] == [("县消防救援大队", restaurant.fire.pk)] * 2
    samr = api_for(case_people.samr_reviewer).get("/api/v1/review-queue/").json()["results"]
    assert {t["item"] for t in samr} == {restaurant.food.pk}
    assert api_for(case_people.water_reviewer).get(f"/api/v1/review-queue/{fire[0]['id']}/").status_code == 404


def test_a_material_not_on_the_checklist_answers_400(api_for, case_people, restaurant):
    response = api_for(case_people.clerk).post("/api/v1/cases/", {
        "item": restaurant.food.pk, **person_applicant(), "materials": [{"code": "no_such", "state": "received"}]},
        format="json")
    assert response.status_code == 400 and response.json()["code"] == "case_material_unknown"
    assert "no_such" in response.json()["detail"]
    assert not Case.objects.exists()


@pytest.mark.parametrize("body", [
    {"item": 2**40, "applicant_kind": "person", "applicant_name": "甲", "id_number": VALID_ID, "phone": "13800001234"},
    {"applicant_kind": "person", "applicant_name": "甲", "id_number": VALID_ID, "phone": "13800001234"},
    {"item": 1, "bundle": 1, "applicant_kind": "person", "applicant_name": "甲", "id_number": VALID_ID,
     "phone": "13800001234"},
    {"item": "x", "applicant_kind": "alien"},
    {"materials": "all", "form_data": {"a": {"b": 1}}},
    {"item": 1, "applicant_kind": "person", "applicant_name": "甲", "id_number": "１１０１０５１９４９１２３１００２ｘ",
     "phone": "+86 138"},
    {"item": 1, "applicant_kind": "organisation", "applicant_name": "乙", "id_number": "\x00", "phone": "13800001234"},
    [],
])
def test_hostile_intake_bodies_get_a_400(api_for, case_people, restaurant, body):
    if isinstance(body, dict) and body.get("item") == 1:
        body = {**body, "item": restaurant.food.pk}
    if isinstance(body, dict) and body.get("bundle") == 1:
        body = {**body, "bundle": restaurant.bundle.pk}
    response = api_for(case_people.clerk).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"]


@pytest.mark.parametrize("body", [
    {"action": "approve", "task": 2**40},
    {"action": "accept_pending", "pending": ["nope"], "promise_signed": True},
    {"action": "accept_pending", "pending_due": "2020-01-01", "promise_signed": True},
    {"action": "deliver", "method": "drone"},
    {"action": "suspend", "kind": "x"},
    {"action": "deem_accepted"},
    {"action": "accept", "materials": [{"code": "fire_plan", "state": "produced"}]},
])
def test_hostile_transitions_get_a_400(api_for, case_people, person_case, body):
    response = api_for(case_people.clerk).post(f"/api/v1/cases/{person_case.number}/transitions/", body, format="json")
    assert response.status_code == 400, response.content
