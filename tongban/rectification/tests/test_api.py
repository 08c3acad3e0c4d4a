"""The API with the personas' real tokens: the same scopes, rules and services as the pages."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine

from tongban.rectification import services
from tongban.rectification.models import Accountability, Measure
from tongban.rectification.tests.conftest import PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_measures_are_listed_within_scope(ledger, personas, api_for):
    assert ids(api_for(personas.township_admin).get("/api/v1/measures/")) == {
        ledger.section_measure.pk, ledger.township_measure.pk}
    assert len(ids(api_for(personas.inspector).get("/api/v1/measures/"))) == 4


def test_another_townships_measure_answers_404_by_api(ledger, personas, api_for):
    api = api_for(personas.other_township_admin)
    response = api.get(f"/api/v1/measures/{ledger.township_measure.pk}/")
    assert response.status_code == 404 and "无权" in response.json()["detail"]
    assert api.post(f"/api/v1/measures/{ledger.township_measure.pk}/submit/", {}).status_code == 404


def test_measure_filters_are_the_pages_filters(ledger, personas, api_for):
    api = api_for(personas.rectification_office)
    assert ids(api.get(f"/api/v1/measures/?lead_unit={ledger.township_measure.lead_unit_id}")) == {
        ledger.township_measure.pk}
    assert ids(api.get("/api/v1/measures/?deadline_kind=ongoing")) == {ledger.ongoing_measure.pk}
    assert ids(api.get(f"/api/v1/measures/?unit={ledger.township_measure.lead_unit_id}&role=supporting")) == {
        ledger.section_measure.pk}


def test_the_loop_through_the_api(ledger, personas, api_for):
    measure = ledger.township_measure
    unit = api_for(personas.township_admin)
    response = unit.post(f"/api/v1/measures/{measure.pk}/progress/",
                         {"text": "已完成", "files": [upload("纪要.pdf")]}, format="multipart")
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
    assert response.json()["evidence_count"] == 1
    response = unit.post(f"/api/v1/measures/{measure.pk}/submit/", {"result": "大厅改造完成"}, format="json")
    assert response.json()["status"] == "pending_signoff"

    assert unit.post(f"/api/v1/measures/{measure.pk}/verify/", {}).status_code == 403
    office = api_for(personas.rectification_office)
    response = office.post(f"/api/v1/measures/{measure.pk}/return/", {"reason": ""}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "measure_reason_required"
    response = office.post(f"/api/v1/measures/{measure.pk}/return/", {"reason": "材料不全"}, format="json")
    assert response.json()["status"] == "in_progress" and response.json()["returned_count"] == 1
    response = unit.post(f"/api/v1/measures/{measure.pk}/submit/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "measure_evidence_since_return"
    unit.post(f"/api/v1/measures/{measure.pk}/progress/", {"text": "补充材料", "files": [upload("补充.pdf")]},
              format="multipart")
    unit.post(f"/api/v1/measures/{measure.pk}/submit/", {}, format="json")
    response = office.post(f"/api/v1/measures/{measure.pk}/verify/", {"comment": "同意"}, format="json")
    assert response.json()["status"] == "verified"


def test_a_transition_refused_by_a_guard_answers_400_with_its_code(ledger, personas, api_for):
    api = api_for(personas.township_admin)
    api.post(f"/api/v1/measures/{ledger.township_measure.pk}/start/")
    response = api.post(f"/api/v1/measures/{ledger.township_measure.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"code": "measure_evidence_required", "detail": "申请销号前请至少上传一份佐证材料。",
                               "errors": [{"code": "measure_evidence_required",
                                           "detail": "申请销号前请至少上传一份佐证材料。"}]}


def signed_off(measure):
    services.add_progress(measure, text="x", files=[upload("a.pdf")])
    services.submit_for_signoff(measure)
    return services.verify_measure(measure)


@time_machine.travel(date(2030, 1, 20), tick=False)
def test_revisits_by_api_follow_the_same_date_rule(ledger, personas, api_for):
    measure = signed_off(ledger.township_measure)
    office = api_for(personas.rectification_office)
    response = office.post(f"/api/v1/measures/{measure.pk}/revisits/", {"scheduled_date": "2030-02-01"}, format="json")
    assert response.status_code == 201, response.content
    revisit = response.json()
    assert (revisit["scheduled_date"], revisit["done_date"]) == ("2030-02-01", None)
    record = f"/api/v1/measures/{measure.pk}/revisits/{revisit['id']}/record/"
    response = office.post(record, {"done_date": "2030-01-21", "satisfied": True}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "revisit_done_in_future"
    assert measure.revisits.get().done_date is None
    response = office.post(record, {"done_date": "2030-01-15", "satisfied": True, "notes": "提前走访"}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["done_date"], response.json()["satisfied"]) == ("2030-01-15", True)
    listed = office.get(f"/api/v1/measures/{measure.pk}/revisits/").json()
    assert [(r["scheduled_date"], r["done_date"]) for r in listed] == [("2030-02-01", "2030-01-15")]


def test_only_managers_schedule_revisits_by_api(ledger, personas, api_for):
    measure = signed_off(ledger.township_measure)
    township = api_for(personas.township_admin)
    response = township.post(f"/api/v1/measures/{measure.pk}/revisits/", {"scheduled_date": "2030-02-01"}, format="json")
    assert response.status_code == 403
    assert not measure.revisits.exists()


def test_a_stale_version_is_refused_by_the_api(ledger, personas, api_for):
    services.add_progress(ledger.township_measure, text="x", files=[upload("a.pdf")])
    services.submit_for_signoff(ledger.township_measure)
    old = Measure.objects.get(pk=ledger.township_measure.pk).version - 1
    response = api_for(personas.rectification_office).post(
        f"/api/v1/measures/{ledger.township_measure.pk}/verify/", {"version": old}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "stale_version"


def test_an_ongoing_measure_reports_a_checkpoint_by_api(ledger, personas, api_for):
    checkpoint = ledger.ongoing_measure.checkpoints.first()
    response = api_for(personas.director).post(f"/api/v1/measures/{ledger.ongoing_measure.pk}/progress/",
                                                {"text": "阶段性进展", "checkpoint": checkpoint.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["checkpoints"][0]["reported_at"] is not None


def test_the_office_creates_measures_and_a_township_may_not(ledger, personas, api_for, county):
    body = {"finding": ledger.problem.pk, "text": "新增措施", "lead_unit": county.section.pk, "deadline_kind": "date",
            "deadline": "2024-06-30", "supporting_units": [county.township_a.pk]}
    assert api_for(personas.township_admin).post("/api/v1/measures/", body, format="json").status_code == 403
    response = api_for(personas.rectification_office).post("/api/v1/measures/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["supporting_units"] == [county.township_a.pk]
    measure = response.json()["id"]
    response = api_for(personas.rectification_office).patch(
        f"/api/v1/measures/{measure}/", {"deadline": "2024-07-31", "version": response.json()["version"]}, format="json")
    assert response.status_code == 200 and response.json()["deadline"] == "2024-07-31"
    assert api_for(personas.township_admin).patch(f"/api/v1/measures/{measure}/", {"text": "x"},
                                                  format="json").status_code == 403


def test_inspections_and_findings_by_api(ledger, personas, api_for, county):
    api = api_for(personas.rectification_office)
    response = api.post("/api/v1/inspections/", {"title": "县委第三巡察组", "body": "县委",
                                                 "inspected_unit": county.center.pk, "feedback_date": "2024-01-31"},
                        format="json")
    assert response.status_code == 201 and response.json()["report_due_date"] == "2024-03-31"
    inspection = response.json()["id"]
    response = api.post("/api/v1/findings/", {"inspection": inspection, "aspect_title": "作风问题",
                                              "kind": "problem", "description": "迟到早退"}, format="json")
    assert response.status_code == 201 and response.json()["aspect_label"] == "（一）作风问题"
    assert ids(api_for(personas.other_township_admin).get("/api/v1/inspections/")) == {ledger.inspection.pk}
    assert ids(api_for(personas.other_township_admin).get("/api/v1/findings/")) == {ledger.suggestion.pk}


def test_evidence_list_is_scoped_and_downloads_are_checked(ledger, personas, api_for, client_for):
    services.add_progress(ledger.township_measure, text="x", files=[upload("会议纪要.pdf")])
    rows = api_for(personas.township_admin).get("/api/v1/evidence/").json()["results"]
    assert [row["original_name"] for row in rows] == ["会议纪要.pdf"]
    assert api_for(personas.other_township_admin).get("/api/v1/evidence/").json()["results"] == []
    response = client_for(personas.township_admin).get(rows[0]["download_url"])
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_accountability_by_api(ledger, personas, api_for, county):
    body = {"action_kind": "criticism", "reason_kind": "overdue", "target_unit": county.township_a.pk,
            "measures": [ledger.township_measure.pk], "decided_on": "2023-11-10", "decided_by": "中心党组"}
    assert api_for(personas.township_admin).post("/api/v1/accountability/", body, format="json").status_code == 403
    response = api_for(personas.rectification_office).post("/api/v1/accountability/", body, format="json")
    assert response.status_code == 201 and response.json()["target_label"] == "城关镇便民服务中心"
    assert Accountability.objects.get().measures.get() == ledger.township_measure
    assert len(api_for(personas.township_admin).get("/api/v1/accountability/").json()["results"]) == 1
    assert api_for(personas.other_township_admin).get("/api/v1/accountability/").json()["results"] == []


def test_the_measure_list_costs_the_same_queries_for_3_or_20_measures(ledger, personas, api_for, county):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_for(personas.rectification_office)
    services.add_progress(ledger.township_measure, text="x", files=[upload("a.pdf"), upload("b.pdf")])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get("/api/v1/measures/?page_size=100")
        assert response.status_code == 200
        return len(captured)

    queries()  # the first request fills the working-day calendar's years
    few = queries()
    for n in range(17):
        services.create_measure(finding=ledger.problem, text=f"措施{n}", lead_unit=county.section,
                                deadline=date(2023, 12, 31))
    assert queries() == few
    row = next(r for r in api.get("/api/v1/measures/").json()["results"] if r["id"] == ledger.township_measure.pk)
    assert row["evidence_count"] == 2
