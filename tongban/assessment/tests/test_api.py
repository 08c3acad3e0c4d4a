"""/api/v1/assessment/sheets/ against the personas: scope, filters, every item with its record."""
from __future__ import annotations

import pytest

from tongban.assessment.models import ScoreSheet

pytestmark = pytest.mark.django_db


def test_the_api_lists_sheets_in_scope_with_their_items(scored, api_for, personas, county):
    everything = api_for(personas.inspector).get("/api/v1/assessment/sheets/", {"month": "2025-10-01"})
    assert everything.status_code == 200
    units = {row["unit"] for row in everything.json()["results"]}
    assert {county.department.pk, county.township_a.pk, county.township_b.pk} <= units
    mine = api_for(personas.township_admin).get("/api/v1/assessment/sheets/").json()["results"]
    assert [row["unit"] for row in mine] == [county.township_a.pk]
    other = ScoreSheet.objects.get(assessment=scored, unit=county.township_b)
    assert api_for(personas.township_admin).get(f"/api/v1/assessment/sheets/{other.pk}/").status_code == 404
    dept = ScoreSheet.objects.get(assessment=scored, unit=county.department)
    body = api_for(personas.director).get(f"/api/v1/assessment/sheets/{dept.pk}/").json()
    assert body["items"] and all(i["record_key"] and i["record_id"] and i["url"] for i in body["items"])
    assert body["total"] == f"{dept.total}"
    assert api_for(personas.director).get("/api/v1/assessment/sheets/", {"grade": "nonsense"}).status_code == 400
