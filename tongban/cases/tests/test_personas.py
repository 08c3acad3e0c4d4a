"""Every case page and endpoint against every persona: who gets in, who is refused, nobody gets a 500."""
from __future__ import annotations

import pytest

from tongban.cases.tests.conftest import person_applicant

pytestmark = pytest.mark.django_db

PAGES = ["/cases/", "/cases/intake/", "/cases/review/", "/cases/delivery/", "/cases/new/"]
CLERK_ONLY = {"/cases/intake/", "/cases/new/"}


@pytest.mark.parametrize("name", ["director", "rectification_office", "section_chief", "window_clerk",
                                  "township_admin", "other_township_admin", "inspector", "admin"])
def test_each_persona_gets_the_list_pages_or_a_clean_refusal(client_for, personas, case_people, receive, name):
    case = receive(applicant=person_applicant())
    user = getattr(personas, name)
    client = client_for(user)
    for page in PAGES:
        expected = 200 if page not in CLERK_ONLY or name == "window_clerk" else 403
        assert client.get(page).status_code == expected, page
    sees_case = name in ("director", "rectification_office", "window_clerk", "inspector", "admin")
    assert client.get(f"/cases/{case.number}/").status_code == (200 if sees_case else 404)
    assert (case.number in client.get("/cases/").content.decode()) == sees_case


@pytest.mark.parametrize("name, sees", [("director", 1), ("township_admin", 0), ("other_township_admin", 0),
                                        ("inspector", 1), ("section_chief", 0), ("window_clerk", 1)])
def test_each_persona_sees_the_case_in_the_api_only_in_scope(api_for, personas, receive, name, sees):
    case = receive(applicant=person_applicant())
    api = api_for(getattr(personas, name))
    assert len(api.get("/api/v1/cases/").json()["results"]) == sees
    assert api.get(f"/api/v1/cases/{case.number}/").status_code == (200 if sees else 404)
    assert api.get("/api/v1/review-queue/").status_code == 200


@pytest.mark.parametrize("name", ["director", "inspector", "township_admin", "section_chief"])
def test_only_the_people_handling_a_case_may_act_on_it(api_for, personas, receive, name):
    case = receive(applicant=person_applicant())
    response = api_for(getattr(personas, name)).post(f"/api/v1/cases/{case.number}/transitions/",
                                                     {"action": "accept"}, format="json")
    if name == "director":  # a centre leader may act for an absent clerk
        assert response.status_code == 200 and response.json()["status"] == "reviewing"
    else:
        assert response.status_code in (400, 404)
        assert response.status_code == 404 or response.json()["code"] == "case_not_your_role"


def test_a_township_admin_picks_only_the_receiving_units_of_their_scope(api_for, client_for, personas, county):
    """受理单位 is built per request from the scope layer, in the API as on the list page: a township admin
    can neither read the county's other unit names in the filter nor filter by their ids."""
    from tongban.cases.filtersets import CaseFilterSet
    from tongban.cases.models import Case

    api = api_for(personas.township_admin)
    own = api.get("/api/v1/cases/", {"intake_unit": county.township_a.pk})
    assert own.status_code == 200
    for unit in (county.center, county.department, county.township_b):
        refused = api.get("/api/v1/cases/", {"intake_unit": unit.pk})
        assert refused.status_code == 400, unit.name
        assert [e["field"] for e in refused.json()["errors"]] == ["intake_unit"]
    browsable = api.get("/api/v1/cases/", HTTP_ACCEPT="text/html").content.decode()
    assert county.township_a.name in browsable
    assert county.center.name not in browsable and county.department.name not in browsable
    page = client_for(personas.township_admin).get("/cases/").content.decode()
    assert county.township_a.name in page and county.department.name not in page
    assert not CaseFilterSet(queryset=Case.objects.all()).filters["intake_unit"].queryset.exists()  # no reader
