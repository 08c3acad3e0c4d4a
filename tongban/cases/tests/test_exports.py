"""办件台账 (/cases/?export=xlsx) against the personas: the page's scope and filters (one selector), masked personal
data, figures that agree with the page, streamed from values() in a fixed number of queries."""
from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tongban.cases import exports as case_exports
from tongban.cases.choices import CaseStatus
from tongban.cases.models import Case
from tongban.cases.services import intake
from tongban.cases.tests.conftest import ORG_CODE, VALID_ID, applicant, person_applicant
from tongban.documents.models import Export
from tongban.jobs.tests.conftest import huey_immediate  # noqa: F401  (a fixture: the worker runs in the test)

pytestmark = pytest.mark.django_db

HEADERS = [header for header, _ in case_exports.COLUMNS]
NUMBER, ID, PHONE, STATUS, OVERDUE = (HEADERS.index(h) for h in ("办件编号", "证件号码（脱敏）", "联系电话（脱敏）", "状态", "是否超期"))


def sheet(content: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def exported(client, query: str = "") -> list[list]:
    response = client.get(f"/cases/?{query}{'&' if query else ''}export=xlsx")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "%E5%8A%9E%E4%BB%B6%E5%8F%B0%E8%B4%A6" in response["Content-Disposition"]  # 办件台账
    rows = sheet(response.content)
    assert rows[0][0].startswith("办件台账（截至") and rows[1] == HEADERS
    return rows[2:]


def numbers_on_page(client, query: str = "") -> set[str]:
    return set(re.findall(r'href="/cases/([0-9]{10,})/"', client.get(f"/cases/?{query}").content.decode()))


@pytest.fixture
def township_cases(county, case_people, restaurant):
    """One case at 城关镇 (township_a, the township admin's) and one at 王村乡 (township_b, the other's)."""
    from tongban.catalog import services as catalog
    from tongban.org import services as org

    catalog.delegate_item(restaurant.drain, to=[county.township_a, county.township_b], mode="entrusted")
    window_b = org.create_window(code="WC01", name="王村乡综合窗口", kind="intake", unit=county.township_b)
    clerk_b = org.create_staff(staff_no="wclerk", name="韩乡窗", unit=county.township_b, role="window_clerk",
                               window=window_b, username="wclerk", password="x").user
    mine = intake.receive_case(by=case_people.township_clerk, window=county.township_window, item=restaurant.drain,
                               applicant=person_applicant(applicant_name="城关居民"))
    theirs = intake.receive_case(by=clerk_b, window=window_b, item=restaurant.drain,
                                 applicant=person_applicant(applicant_name="王村居民", phone="13712345678"))
    return mine, theirs


def test_the_director_exports_every_case_in_scope_masked(client_for, personas, receive, township_cases):
    centre = receive(applicant=person_applicant())
    organisation = receive(applicant=applicant())
    rows = exported(client_for(personas.director))
    by_number = {row[NUMBER]: row for row in rows}
    assert set(by_number) == {centre.number, organisation.number, *(c.number for c in township_cases)}
    assert by_number[centre.number][ID] == "110***********002X" and by_number[centre.number][PHONE] == "139****5678"
    assert by_number[organisation.number][ID] == ORG_CODE  # a credit code is public
    assert by_number[organisation.number][PHONE] == "138****1234"
    flat = repr(rows)
    assert VALID_ID not in flat and "13900005678" not in flat and "13712345678" not in flat


def test_a_township_admin_never_exports_another_townships_cases(client_for, personas, receive, township_cases):
    receive(applicant=person_applicant())  # at the centre
    mine, theirs = township_cases
    assert [row[NUMBER] for row in exported(client_for(personas.township_admin))] == [mine.number]
    assert [row[NUMBER] for row in exported(client_for(personas.other_township_admin))] == [theirs.number]


@pytest.mark.parametrize("name", ["director", "rectification_office", "section_chief", "window_clerk",
                                  "township_admin", "other_township_admin", "inspector", "admin"])
def test_each_persona_exports_exactly_the_cases_their_page_lists(client_for, personas, receive, township_cases, name):
    receive(applicant=person_applicant())
    client = client_for(getattr(personas, name))
    assert {row[NUMBER] for row in exported(client)} == numbers_on_page(client)


def test_the_export_follows_the_pages_filters(client_for, personas, case_people, receive, township_cases):
    accepted = intake.accept(receive(applicant=person_applicant()), by=case_people.clerk)
    receive(applicant=applicant())
    client = client_for(personas.director)
    for query in ("status=reviewing", "q=城关", f"intake_unit={township_cases[0].intake_unit_id}", "status=nonsense"):
        assert {row[NUMBER] for row in exported(client, query)} == numbers_on_page(client, query), query
    assert [row[NUMBER] for row in exported(client, "status=reviewing")] == [accepted.number]
    assert exported(client, "status=nonsense") == []  # an invalid filter lists nothing, as on the page


def test_the_status_figures_agree_with_the_page(client_for, personas, case_people, receive, township_cases):
    intake.accept(receive(applicant=person_applicant()), by=case_people.clerk)
    client = client_for(personas.director)
    page = client.get("/cases/").content.decode()
    shown = {label: int(n) for label, n in re.findall(r'>([^<>]+) <span class="badge text-bg-light">([0-9]+)</span>', page)}
    exported_counts: dict[str, int] = {}
    for row in exported(client):
        exported_counts[row[STATUS]] = exported_counts.get(row[STATUS], 0) + 1
    assert exported_counts == {label: n for label, n in shown.items() if n}
    assert exported_counts == {"待受理": 2, "审查中": 1}


def test_an_overdue_case_is_marked_as_the_list_counts_it(client_for, personas, receive):
    """Received on Tuesday 1 December, not accepted within the five working days (§32): overdue on the 9th."""
    import time_machine

    with time_machine.travel(datetime.fromisoformat("2026-12-01T10:00:00+08:00"), tick=False):
        late = receive(applicant=person_applicant())
    with time_machine.travel(datetime.fromisoformat("2026-12-09T10:00:00+08:00"), tick=False):
        client = client_for(personas.director)
        fresh = receive(applicant=applicant())
        rows = {row[NUMBER]: row for row in exported(client)}
        overdue_on_page = numbers_on_page(client, "overdue=true")
    assert rows[late.number][OVERDUE] == "是" and rows[fresh.number][OVERDUE] is None
    assert overdue_on_page == {late.number}


def test_the_export_reads_a_fixed_number_of_queries_whatever_the_number_of_cases(client_for, personas, receive):
    client = client_for(personas.director)
    receive(applicant=person_applicant())
    with CaptureQueriesContext(connection) as few:
        exported(client)
    for _ in range(5):
        receive(applicant=applicant())
    with CaptureQueriesContext(connection) as more:
        assert len(exported(client)) == 6
    reads = lambda queries: [q["sql"] for q in queries if "cases_case" in q["sql"]]  # noqa: E731 (not the session's)
    assert len(reads(more)) == len(reads(few)) == 2  # the count and one chunk of values()


def test_the_rows_are_read_a_chunk_at_a_time_in_the_lists_order(personas, receive, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(case_exports, "CHUNK", 2)
    cases = [receive(applicant=person_applicant()) for _ in range(5)]
    rows = list(case_exports.ledger_rows(Case.objects.visible_to(personas.director), timezone.localdate()))
    assert [row[NUMBER] for row in rows] == sorted((c.number for c in cases), reverse=True)


def test_a_large_export_runs_on_the_worker_with_only_the_requesters_cases(client_for, personas, receive,
                                                                         township_cases, settings, huey_immediate):
    settings.EXPORT_ASYNC_ROWS = 0
    receive(applicant=person_applicant())
    client = client_for(personas.township_admin)
    response = client.get("/cases/?export=xlsx")
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{export.pk}/"
    assert export.rows == 1 and export.file_name.startswith("办件台账")
    rows = sheet(client.get(f"/exports/{export.pk}/download/").getvalue())[2:]
    assert [row[NUMBER] for row in rows] == [township_cases[0].number]
    assert client_for(personas.other_township_admin).get(f"/exports/{export.pk}/download/").status_code == 404


def test_the_list_page_offers_the_export_with_its_filters(client_for, personas, receive):
    receive(applicant=person_applicant())
    page = client_for(personas.director).get("/cases/?status=received").content.decode()
    assert 'id="export-xlsx" href="?status=received&export=xlsx"' in page


def test_a_formula_typed_as_a_name_stays_text(client_for, personas, receive):
    receive(applicant=person_applicant(applicant_name='=HYPERLINK("http://x","点我")'))
    rows = exported(client_for(personas.director))
    assert rows[0][HEADERS.index("申请人")] == '=HYPERLINK("http://x","点我")'
    assert rows[0][STATUS] == CaseStatus.RECEIVED.label
