"""/api/v1/workdays/… and /api/v1/days/: same answers as the services, for every signed-in persona."""
import pytest
from rest_framework.test import APIClient

from tongban.workdays import services

pytestmark = pytest.mark.django_db


def test_add_gives_the_deadline(personas, api_for):
    response = api_for(personas.window_clerk).get("/api/v1/workdays/add/", {"start": "2025-09-26", "n": 5})
    assert response.status_code == 200
    assert response.json() == {"start": "2025-09-26", "n": 5, "date": "2025-10-10", "provisional": False}


def test_add_flags_a_provisional_answer(personas, api_for):
    data = api_for(personas.township_admin).get("/api/v1/workdays/add/?start=2026-12-25&n=5").json()
    assert data == {"start": "2026-12-25", "n": 5, "date": "2027-01-01", "provisional": True}


def test_add_refuses_bad_parameters_in_chinese(personas, api_for):
    api = api_for(personas.window_clerk)
    response = api.get("/api/v1/workdays/add/?start=2025-02-30&n=-1")
    assert response.status_code == 400
    body = response.json()  # the usual {code, detail, errors} shape, one error per field
    by_field = {error["field"]: error["detail"] for error in body["errors"]}
    assert set(by_field) == {"start", "n"} and "日期格式错误" in by_field["start"]
    assert "1990-01-01" in api.get("/api/v1/workdays/add/?start=2101-01-01&n=1").json()["detail"]


def test_add_beyond_the_calendar_gives_the_stable_range_code(personas, api_for):
    response = api_for(personas.window_clerk).get("/api/v1/workdays/add/?start=2100-12-20&n=30")
    assert response.status_code == 400
    assert response.json()["code"] == "calendar_range"


def test_between_counts_workdays(personas, api_for):
    data = api_for(personas.inspector).get("/api/v1/workdays/between/?start=2025-09-26&end=2025-10-10").json()
    assert data == {"start": "2025-09-26", "end": "2025-10-10", "days": 5, "provisional": False}


def test_the_calendar_api_needs_a_login():
    assert APIClient().get("/api/v1/workdays/add/?start=2025-09-26&n=5").status_code in (401, 403)
    assert APIClient().get("/api/v1/days/").status_code in (401, 403)


def test_days_filter_by_year_month_and_kind(personas, api_for):
    services.ensure_years(2025, 2025)
    data = api_for(personas.other_township_admin).get("/api/v1/days/?year=2025&month=10&kind=holiday").json()
    assert data["count"] == 8
    assert [row["date"] for row in data["results"]][:2] == ["2025-10-01", "2025-10-02"]
    assert data["results"][5]["holiday_name"] == "中秋节"
    makeup = api_for(personas.window_clerk).get("/api/v1/days/?year=2025&kind=makeup_workday").json()
    assert [row["date"] for row in makeup["results"]] == ["2025-01-26", "2025-02-08", "2025-04-27",
                                                         "2025-09-28", "2025-10-11"]


def test_a_day_is_looked_up_by_its_date(personas, api_for):
    services.ensure_years(2025, 2025)
    api = api_for(personas.window_clerk)
    row = api.get("/api/v1/days/2025-09-28/").json()
    assert row["kind"] == "makeup_workday" and row["label"] == "国庆节调休上班" and row["is_workday"] is True
    assert api.get("/api/v1/days/1980-01-01/").status_code == 404


def test_calendar_years_show_which_are_provisional(personas, api_for):
    services.ensure_years(2026, 2027)
    data = api_for(personas.window_clerk).get("/api/v1/calendar-years/?status=provisional").json()
    assert [(row["year"], row["status_display"]) for row in data["results"]] == [(2027, "临时推算")]


def test_the_endpoints_are_in_the_openapi_schema(personas, api_for):
    schema = api_for(personas.admin).get("/api/v1/schema/?format=json").json()
    add = schema["paths"]["/api/v1/workdays/add/"]["get"]
    assert {p["name"] for p in add["parameters"]} == {"start", "n"}
    assert "/api/v1/workdays/between/" in schema["paths"] and "/api/v1/days/{date}/" in schema["paths"]
