"""/api/v1/job-runs/: read-only, for the same people as the jobs page."""
from datetime import date

import pytest

from tongban.jobs import services
from tongban.jobs.choices import Trigger

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 23)


@pytest.mark.parametrize("persona", ["director", "rectification_office", "inspector", "admin"])
def test_county_wide_personas_list_job_runs(persona, personas, counter_jobs, api_for):
    run = services.run_job("tests.daily", DAY, trigger=Trigger.CLI)

    data = api_for(getattr(personas, persona)).get("/api/v1/job-runs/").json()

    assert data["count"] == 1
    row = data["results"][0]
    assert (row["id"], row["job"], row["period_key"], row["status"], row["status_display"]) == (
        run.pk, "tests.daily", "2026-11-23", "succeeded", "成功")
    assert row["result"] == {"calls": 1, "for_date": "2026-11-23"}


@pytest.mark.parametrize("persona", ["section_chief", "window_clerk", "township_admin", "other_township_admin"])
def test_everyone_else_is_refused_the_job_runs_api(persona, personas, counter_jobs, api_for):
    run = services.run_job("tests.daily", DAY, trigger=Trigger.CLI)
    api = api_for(getattr(personas, persona))

    listing = api.get("/api/v1/job-runs/")
    assert listing.status_code == 403
    assert listing.json()["detail"] == "您没有权限查看定时任务。"
    assert api.get(f"/api/v1/job-runs/{run.pk}/").status_code == 403


def test_job_runs_filter_by_status_and_job(personas, counter_jobs, api_for):
    services.run_job("tests.daily", DAY, trigger=Trigger.CLI)
    counter_jobs["weekly"].fail_with = RuntimeError("坏了")
    services.run_job("tests.weekly", DAY, trigger=Trigger.CLI)
    api = api_for(personas.inspector)

    failed = api.get("/api/v1/job-runs/", {"status": "failed"}).json()["results"]
    assert [row["job"] for row in failed] == ["tests.weekly"]
    assert "RuntimeError: 坏了" in failed[0]["error"]
    assert [row["job"] for row in api.get("/api/v1/job-runs/", {"job": "tests.daily"}).json()["results"]] == ["tests.daily"]


def test_job_runs_are_read_only(personas, counter_jobs, api_for):
    run = services.run_job("tests.daily", DAY, trigger=Trigger.CLI)
    api = api_for(personas.admin)

    assert api.delete(f"/api/v1/job-runs/{run.pk}/").status_code == 405
    assert api.post("/api/v1/job-runs/", {"job": "tests.daily"}).status_code == 405


def test_a_missing_run_answers_404(personas, api_for):
    assert api_for(personas.director).get("/api/v1/job-runs/999999/").status_code == 404
