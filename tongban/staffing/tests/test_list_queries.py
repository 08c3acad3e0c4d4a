"""The list pages cost the same number of queries for one record as for several (no query per row)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.staffing import importing, services

PAGES = ["/staffing/attendance/?month=2026-06", "/staffing/inspections/?month=2026-06", "/staffing/talks/",
         "/staffing/leave/", "/staffing/bulletin/?month=2026-06"]


def add_records(personas, people):
    for person in people:
        importing.import_attendance(f"工号,日期,时间\n{person.staff_no},2026-06-01,09:20\n".encode(), name="a.csv")
        services.record_inspection(staff=person, inspected_on=dt.date(2026, 6, 2), aspect="dress", finding="未佩戴工作牌",
                                   by=personas.inspector)
        services.record_talk(staff=person, held_on=dt.date(2026, 6, 3), reason="迟到", agreed="改正", by=personas.inspector)
        services.enter_leave(staff=person, kind="leave", first_day=dt.date(2026, 6, 4), last_day=dt.date(2026, 6, 4),
                             reason="事假", by=person.user)


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_list_pages_do_not_query_per_row(personas, client_for):
    client = client_for(personas.director)
    add_records(personas, [personas.window_clerk.staff])
    for url in PAGES:  # the first visit fills the year's calendar and creates the settings row
        client.get(url)
    one = {url: count(client, url) for url in PAGES}
    add_records(personas, [personas.section_chief.staff, personas.township_admin.staff, personas.inspector.staff])
    assert {url: count(client, url) for url in PAGES} == one
