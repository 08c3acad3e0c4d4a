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
