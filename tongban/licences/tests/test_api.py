"""The API through the personas: the list in scope and masked, revoke, and 免提交 with the services' refusals."""
from __future__ import annotations

import pytest

from tongban.licences.models import LicenceUse
from tongban.licences.tests.conftest import OTHER_CODE

pytestmark = pytest.mark.django_db


def test_the_list_follows_the_scope_and_masks_a_persons_id(api_for, personas, make_licence):
    make_licence(number="DZ-P", holder_kind="person", holder_id="11010519491231002X", holder_name="李四")
    rows = api_for(personas.director).get("/api/v1/licences/").json()["results"]
    assert [r["number"] for r in rows] == ["DZ-P"] and rows[0]["holder_id"] != "11010519491231002X"
    assert api_for(personas.other_township_admin).get("/api/v1/licences/").json()["results"] == []


def test_revoke_needs_the_right(api_for, personas, make_licence):
    licence = make_licence()
    assert api_for(personas.inspector).post(f"/api/v1/licences/{licence.pk}/revoke/", {"reason": "x"}).status_code == 403
    answer = api_for(personas.director).post(f"/api/v1/licences/{licence.pk}/revoke/", {"reason": "吊销"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "revoked"


def test_use_at_intake_by_the_clerk_and_refusals(api_for, personas, food_case, make_licence):
    own, other = make_licence(), make_licence(holder_id=OTHER_CODE, number="DZ-OTHER")
    material = food_case.materials.get(identity__code="business_licence")
    clerk = api_for(personas.window_clerk)

    refused = clerk.post("/api/v1/licence-uses/", {"case": food_case.number, "material": material.pk,
                                                   "licence": other.pk}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "licence_other_holder"
    assert api_for(personas.inspector).post("/api/v1/licence-uses/", {
        "case": food_case.number, "material": material.pk, "licence": own.pk}, format="json").status_code == 403
    done = clerk.post("/api/v1/licence-uses/", {"case": food_case.number, "material": material.pk,
                                                "licence": own.pk}, format="json")
    assert done.status_code == 200 and done.json()["offered"] == [own.pk]
    assert LicenceUse.objects.get().licence == own
