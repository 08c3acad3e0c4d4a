"""Input the API (and the list pages) must refuse politely: never a 500, always the documented
`{code, detail, errors}` shape with a Chinese message."""
from __future__ import annotations

from datetime import date

import django_filters
import pytest
from django.test import Client

from tongban.core.api_urls import router

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # above 2^63 - 1: an OverflowError in the database driver


def _integer_filters():
    """Every (endpoint, filter) whose value is an id or a number, from every registered FilterSet."""
    for prefix, viewset, _ in router.registry:
        filterset_class = getattr(viewset, "filterset_class", None)
        if filterset_class is None:
            continue
        for name, filter_ in filterset_class.base_filters.items():
            numeric = isinstance(filter_, django_filters.NumberFilter)
            by_id = isinstance(filter_, django_filters.ModelChoiceFilter) and not filter_.extra.get("to_field_name")
            if numeric or by_id:
                yield pytest.param(prefix, name, id=f"{prefix}?{name}")


def assert_usual_error(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) == {"code", "detail", "errors"}, body
    assert body["errors"] and all({"code", "detail"} <= set(error) for error in body["errors"])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["detail"]), body["detail"]  # Chinese
    return body


def test_there_are_integer_filters_to_check():
    assert len(list(_integer_filters())) >= 15


@pytest.mark.parametrize(("prefix", "name"), list(_integer_filters()))
def test_an_integer_filter_beyond_64_bits_is_a_400_in_the_usual_shape(prefix, name, personas, api_for):
    response = api_for(personas.director).get(f"/api/v1/{prefix}/", {name: HUGE})
    body = assert_usual_error(response)
    assert body["errors"][0]["field"] == name


@pytest.mark.parametrize(("prefix", "name"), list(_integer_filters()))
def test_an_integer_filter_never_answers_500_for_a_typed_number(prefix, name, personas, api_for):
    """"²" (isdigit() but not int()), "١٢", "1e3" and 5,000 digits (beyond int()'s limit): 200 or the usual 400
    (core/tests/test_typed_numbers.py sends the same to the pages)."""
    from tongban.core.tests.test_typed_numbers import TYPED

    api = api_for(personas.director)
    for typed in TYPED:
        response = api.get(f"/api/v1/{prefix}/", {name: typed})
        if response.status_code != 200:
            assert_usual_error(response)


def test_an_id_beyond_64_bits_in_the_path_is_a_404(personas, api_for, client_for):
    assert api_for(personas.director).get(f"/api/v1/staff/{HUGE}/").status_code == 404
    assert api_for(personas.director).get(f"/api/v1/measures/{HUGE}/").status_code == 404
    assert client_for(personas.director).get(f"/org/staff/{HUGE}/").status_code == 404


@pytest.mark.parametrize("url", ["/org/staff/?unit=", "/org/windows/?unit=", "/catalog/?unit=",
                                 "/rectification/lists/tasks/?finding=", "/catalog/negative-list/?unit="])
def test_a_list_page_shows_a_chinese_error_for_an_integer_beyond_64_bits(url, personas, client_for):
    response = client_for(personas.director).get(url + HUGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert "超出范围" in html


def test_the_usual_shape_for_a_serializer_error(personas, api_for, county):
    response = api_for(personas.rectification_office).post("/api/v1/inspections/", {"title": ""}, format="json")
    body = assert_usual_error(response)
    assert {error["field"] for error in body["errors"]} >= {"title", "body", "inspected_unit", "feedback_date"}


def test_an_empty_evidence_file_is_a_400_in_the_usual_shape(personas, api_for, county):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tongban.rectification import services
    from tongban.rectification.models import ProgressUpdate

    measure = services.create_measure(text="规范窗口", lead_unit=county.center, deadline=date(2026, 9, 30), source_kind="complaint",
                                      by=personas.rectification_office)
    response = api_for(personas.rectification_office).post(
        f"/api/v1/measures/{measure.pk}/progress/",
        {"text": "已完成", "files": [SimpleUploadedFile("空.pdf", b"")]}, format="multipart")
    body = assert_usual_error(response)
    assert "空" in body["detail"]
    assert ProgressUpdate.objects.filter(measure=measure).count() == 0


def test_a_csrf_failure_on_the_api_answers_in_chinese(personas, county):
    from tongban.conftest import PASSWORD

    browser = Client(enforce_csrf_checks=True)
    login_page = browser.get("/login/")
    browser.post("/login/", {"username": "office", "password": PASSWORD,
                             "csrfmiddlewaretoken": login_page.context["csrf_token"]})
    response = browser.post("/api/v1/inspections/", {"title": "x"}, content_type="application/json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "csrf_failed" and "CSRF" in body["detail"] and "刷新" in body["detail"]


@pytest.mark.parametrize("method", ["patch", "put"])
def test_an_update_without_version_is_refused_and_changes_nothing(method, personas, api_for, county):
    from tongban.rectification import services
    from tongban.rectification.models import Inspection

    inspection = services.create_inspection(title="巡察一", body="县委", inspected_unit=county.center,
                                            feedback_date=date(2023, 6, 17))
    body = {"title": "被覆盖的标题", "body": "县委", "inspected_unit": county.center.pk, "feedback_date": "2023-06-17"}
    response = getattr(api_for(personas.rectification_office), method)(
        f"/api/v1/inspections/{inspection.pk}/", body, format="json")
    error = assert_usual_error(response)
    assert error["code"] == "version_required" and error["errors"][0]["field"] == "version"
    fresh = Inspection.objects.get(pk=inspection.pk)
    assert (fresh.title, fresh.version) == ("巡察一", 1)


def test_an_update_with_the_current_version_goes_through_and_returns_the_due_date(personas, api_for, county):
    from tongban.rectification import services

    measure = services.create_measure(text="规范窗口", lead_unit=county.center, deadline=date(2026, 9, 30), source_kind="complaint",
                                      by=personas.rectification_office)
    api = api_for(personas.rectification_office)
    for method in ("patch", "put"):
        current = api.get(f"/api/v1/measures/{measure.pk}/").json()
        body = {"version": current["version"], "text": f"规范窗口（{method}）", "lead_unit": county.center.pk,
                "deadline": "2099-10-09"}
        response = getattr(api, method)(f"/api/v1/measures/{measure.pk}/", body, format="json")
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["text"] == f"规范窗口（{method}）"
        assert data["due_date"] == "2099-10-09" and data["is_overdue"] is False


def test_the_schema_says_what_the_responses_hold(personas, api_for):
    schema = api_for(personas.director).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    assert components["Staff"]["properties"]["username"].get("nullable") is True
    assert components["Measure"]["properties"]["due_date"].get("nullable") is True
    read_all = schema["paths"]["/api/v1/notifications/read-all/"]["post"]["responses"]["200"]
    ref = read_all["content"]["application/json"]["schema"]
    target = components[ref["$ref"].rsplit("/", 1)[1]] if "$ref" in ref else ref
    assert set(target["properties"]) == {"marked"}


def test_the_revisit_list_is_described_as_a_list(personas, api_for):
    """GET /measures/{id}/revisits/ answers a JSON list; the schema said one object (schemathesis ST108)."""
    schema = api_for(personas.director).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    path = schema["paths"]["/api/v1/measures/{id}/revisits/"]
    listed = path["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["type"] == "array"
    assert "requestBody" not in path["get"]
    created = path["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    assert created.get("$ref", "").endswith("/Revisit")


def test_a_service_error_keyed_by_field_answers_400_with_every_field():
    """A service that checks many fields at once raises one ValidationError {field: [errors]}; each error keeps
    its code and its field (it used to end in an AttributeError: a 500)."""
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    from tongban.core.api import exception_handler

    exc = ValidationError({"phone": [ValidationError("电话不对。", code="bad_phone")],
                           "id_number": [ValidationError("号码不对。", code="bad_id"),
                                         ValidationError("还有一处。", code="bad_id_2")],
                           NON_FIELD_ERRORS: [ValidationError("整体不对。", code="bad_all")]})
    response = exception_handler(exc, {})
    assert response.status_code == 400
    assert response.data["errors"] == [
        {"code": "bad_phone", "detail": "电话不对。", "field": "phone"},
        {"code": "bad_id", "detail": "号码不对。", "field": "id_number"},
        {"code": "bad_id_2", "detail": "还有一处。", "field": "id_number"},
        {"code": "bad_all", "detail": "整体不对。"},
    ]
    assert response.data["code"] == "bad_phone" and response.data["detail"] == "phone：电话不对。"
