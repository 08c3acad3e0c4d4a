"""The duty page, the dashboard, the figures API and the bulletin download against the personas: a township
admin sees their township only, the inspector reads everything, nobody gets a 500."""
from __future__ import annotations

import json
import re
from datetime import date, datetime

import pytest
import time_machine

pytestmark = pytest.mark.django_db
ON_20_OCT = datetime.fromisoformat("2026-10-20T10:00:00+08:00")
ON_16_NOV = datetime.fromisoformat("2026-11-16T10:00:00+08:00")
PAGES = ["/supervision/duty/", "/supervision/dashboard/", "/supervision/dashboard/?month=2026-10", "/terminals/"]


def figures_on_page(html: str) -> dict:
    return json.loads(re.search(r'<script id="supervision-figures" type="application/json">(.*?)</script>', html, re.S).group(1))


@pytest.mark.parametrize("name", ["director", "rectification_office", "section_chief", "window_clerk",
                                  "township_admin", "other_township_admin", "inspector", "admin"])
def test_each_persona_gets_every_page_and_the_bulletin_only_when_county_wide(client_for, personas, october, name):
    with time_machine.travel(ON_16_NOV, tick=False):
        client = client_for(getattr(personas, name))
        for page in PAGES:
            assert client.get(page).status_code == 200, page
        county_wide = name in ("director", "rectification_office", "inspector", "admin")
        assert client.get("/supervision/bulletin/?month=2026-10").status_code == (200 if county_wide else 403)
        dashboard = client.get("/supervision/dashboard/?month=2026-10").content.decode()
        assert ('id="bulletin-download"' in dashboard) == county_wide


def test_the_duty_page_shows_the_overdue_with_their_working_days_and_the_due_soon(client_for, personas, october):
    with time_machine.travel(ON_20_OCT, tick=False):
        page = client_for(personas.director).get("/supervision/duty/").content.decode()
    overdue = page[page.index('id="overdue-table"'):page.index('id="due-soon-table"')]
    assert october.c.number in overdue and october.d.number not in overdue
    assert re.search(rf"{october.c.number}.*?<td class=\"text-end overdue-workdays\">1</td>", overdue, re.S)  # (19 Oct, 20 Oct]
    due_soon = page[page.index('id="due-soon-table"'):]
    assert october.d.number in due_soon  # due today, warned since yesterday


def test_a_township_admin_sees_their_township_only(client_for, api_for, personas, october, county):
    with time_machine.travel(ON_20_OCT, tick=False):
        client = client_for(personas.township_admin)
        duty = client.get("/supervision/duty/").content.decode()
    sites = duty[duty.index('id="site-table"'):duty.index('id="faults"')]
    assert county.township_a.name in sites and county.center.name not in sites and county.township_b.name not in sites
    assert october.c.number not in duty and october.d.number in duty
    with time_machine.travel(ON_16_NOV, tick=False):
        client = client_for(personas.township_admin)  # a new session: the idle limit ended the October one
        figures = figures_on_page(client.get("/supervision/dashboard/?month=2026-10").content.decode())
        api = api_for(personas.township_admin).get("/api/v1/supervision/figures/?month=2026-10").json()
    assert figures == api
    assert [c["number"] for c in figures["overdue_cases"]] == [october.d.number]
    with time_machine.travel(ON_16_NOV, tick=False):
        other = client_for(personas.other_township_admin)
        assert figures_on_page(other.get("/supervision/dashboard/?month=2026-10").content.decode())["overdue_cases"] == []


def test_a_bad_month_shows_this_month_with_a_chinese_message(client_for, personas, api_for):
    client = client_for(personas.director)
    response = client.get("/supervision/dashboard/?month=2026-13", follow=True)
    assert response.status_code == 200 and "月份“2026-13”无效" in response.content.decode()
    api = api_for(personas.director).get("/api/v1/supervision/figures/?month=oops")
    assert api.status_code == 400 and "年-月" in api.content.decode()


def test_the_workbench_shows_the_morning_check_to_those_who_watch_an_area(client_for, personas, october):
    with time_machine.travel(ON_20_OCT, tick=False):
        assert 'id="duty-picture"' in client_for(personas.director).get("/workbench/").content.decode()
        assert 'id="duty-picture"' in client_for(personas.township_admin).get("/workbench/").content.decode()
        assert 'id="duty-picture"' not in client_for(personas.window_clerk).get("/workbench/").content.decode()


def test_the_menu_links_the_duty_page(client_for, personas):
    page = client_for(personas.inspector).get("/workbench/").content.decode()
    assert 'href="/supervision/duty/"' in page and 'href="/terminals/"' in page


def test_the_pages_read_a_fixed_number_of_queries_whatever_the_number_of_cases(client_for, personas, october,
                                                                               case_people, county, restaurant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.cases.services import intake
    from tongban.cases.services.common import acting_on
    from tongban.cases.tests.conftest import person_applicant

    def counts() -> list[int]:
        result = []
        with time_machine.travel(ON_16_NOV, tick=False):
            client = client_for(personas.director)
            for url in ("/supervision/duty/", "/supervision/dashboard/?month=2026-10", "/api/v1/supervision/figures/?month=2026-10"):
                with CaptureQueriesContext(connection) as queries:
                    assert client.get(url).status_code == 200
                result.append(len(queries))
        return result

    before = counts()
    for day in (12, 13, 14, 15, 16):  # five more cases, open and overdue by November
        with acting_on(date(2026, 10, day)):
            case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.food,
                                       applicant=person_applicant(), materials={
                                           "business_licence": "received", "layout_plan": "received", "health_cert": "received"})
            intake.accept(case, by=case_people.clerk)
    assert counts() == before
