"""Where people see the signals: the measure page (with the two photos, the other measure and the three
actions), the list with its Excel export, the dashboard's and the report's counts, and the API — each
against the personas: the office and the leaders see and decide, the inspectors read, units see none."""
from __future__ import annotations

import io

import pytest
import time_machine
from openpyxl import load_workbook

from tongban.rectification.choices import SignalKind
from tongban.rectification.evidence_samples import photo_bytes, resized
from tongban.rectification.models import Accountability, Revisit, Signal
from tongban.rectification.signals import scan
from tongban.rectification.tests.conftest import upload
from tongban.rectification.tests.test_signals import close

pytestmark = pytest.mark.django_db

READERS = ["director", "rectification_office", "inspector", "admin"]
OTHERS = ["section_chief", "township_admin", "other_township_admin", "window_clerk"]


@pytest.fixture(autouse=True)
def _in_time():
    with time_machine.travel("2023-08-01 10:00 +0800", tick=True):
        yield


@pytest.fixture
def photo_pair(ledger, personas):
    """The same photo on the section's and township A's measures, the second resized."""
    office = personas.rectification_office
    original = photo_bytes(21)
    close(ledger.section_measure, [upload("整改后.jpg", original)], office=office, by=personas.section_chief)
    close(ledger.township_measure, [upload("现场.jpg", resized(original))], office=office, by=personas.township_admin)
    scan()
    return Signal.objects.get(measure=ledger.section_measure, kind=SignalKind.SIMILAR_PHOTO)


@pytest.mark.parametrize("persona", READERS)
def test_readers_see_the_list_with_the_sentence_and_the_measure(photo_pair, personas, client_for, persona):
    page = client_for(getattr(personas, persona)).get("/rectification/signals/")
    assert page.status_code == 200
    html = page.content.decode()
    assert photo_pair.sentence in html and "共 <span id=\"signal-count\">2</span> 条" in html
    assert 'id="nav-signals"' in html


@pytest.mark.parametrize("persona", OTHERS)
def test_units_and_clerks_get_403_on_the_list_its_export_and_the_api(photo_pair, personas, client_for, api_for, persona):
    user = getattr(personas, persona)
    client = client_for(user)
    assert client.get("/rectification/signals/").status_code == 403
    assert client.get("/rectification/signals/?export=xlsx").status_code == 403
    assert api_for(user).get("/api/v1/signals/").status_code == 403
    assert api_for(user).get(f"/api/v1/signals/{photo_pair.pk}/").status_code == 403


def test_a_unit_sees_no_signals_on_its_own_measure_page(photo_pair, personas, client_for, ledger):
    html = client_for(personas.section_chief).get(ledger.section_measure.get_absolute_url()).content.decode()
    assert 'id="signals"' not in html and photo_pair.sentence not in html


def test_the_measure_page_shows_both_photos_the_other_measure_and_the_three_actions(photo_pair, personas, client_for,
                                                                                     ledger):
    html = client_for(personas.rectification_office).get(ledger.section_measure.get_absolute_url()).content.decode()
    assert f'id="signal-{photo_pair.pk}"' in html and photo_pair.sentence in html
    details = photo_pair.details
    for evidence in (details["evidence"], details["other_evidence"]):
        assert f'src="/rectification/evidence/{evidence["id"]}/?inline=1"' in html
    assert f'href="{ledger.township_measure.get_absolute_url()}" class="signal-other"' in html
    for action in ("fine", "revisit", "accountability"):
        assert f'id="signal-{photo_pair.pk}-{action}"' in html
    assert "已核查，无问题" in html and "安排回头看" in html and "记录问责" in html


def test_the_inspector_reads_the_signals_but_has_no_actions_and_cannot_decide(photo_pair, personas, client_for, ledger):
    client = client_for(personas.inspector)
    html = client.get(ledger.section_measure.get_absolute_url()).content.decode()
    assert photo_pair.sentence in html and f'id="signal-{photo_pair.pk}-fine"' not in html
    response = client.post(f"/rectification/signals/{photo_pair.pk}/decide/", {"decision": "fine", "reason": "看过"})
    assert response.status_code == 403
    assert Signal.objects.get(pk=photo_pair.pk).status == "open"


def test_a_township_admin_posting_a_decision_on_another_townships_signal_gets_404(photo_pair, personas, client_for):
    client = client_for(personas.other_township_admin)
    assert client.post(f"/rectification/signals/{photo_pair.pk}/decide/", {"decision": "fine", "reason": "x"}).status_code == 404


def test_the_office_marks_a_signal_checked_fine_and_the_page_says_who_and_why(photo_pair, personas, client_for, ledger):
    client = client_for(personas.rectification_office)
    response = client.post(f"/rectification/signals/{photo_pair.pk}/decide/",
                           {"decision": "fine", "reason": "两处为同一大厅的两个窗口，照片属实。"})
    assert response.status_code == 302
    html = client.get(ledger.section_measure.get_absolute_url()).content.decode()
    assert "已核查，无问题 · 李整改" in html and "两处为同一大厅的两个窗口，照片属实。" in html


def test_schedule_revisit_and_record_accountability_from_the_page(photo_pair, personas, client_for, ledger, county):
    client = client_for(personas.director)
    client.post(f"/rectification/signals/{photo_pair.pk}/decide/",
                {"decision": "revisit", "reason": "到现场看", "scheduled_date": "2023-08-10"})
    assert Revisit.objects.get().measure == ledger.section_measure
    other = Signal.objects.get(measure=ledger.township_measure)
    client.post(f"/rectification/signals/{other.pk}/decide/",
                {"decision": "accountability", "reason": "照片挪用", "action_kind": "talk", "reason_kind": "false",
                 "target_unit": county.township_a.pk, "decided_on": "2023-08-01", "decided_by": "中心党组"})
    record = Accountability.objects.get()
    assert record.get_reason_kind_display() == "虚假整改" and Signal.objects.get(pk=other.pk).accountability == record


def test_a_decision_without_a_reason_says_so_in_chinese_and_changes_nothing(photo_pair, personas, client_for):
    client = client_for(personas.rectification_office)
    response = client.post(f"/rectification/signals/{photo_pair.pk}/decide/", {"decision": "fine", "reason": ""},
                           follow=True)
    assert "请写明核查情况或处理理由。" in response.content.decode()
    assert Signal.objects.get(pk=photo_pair.pk).status == "open"


def test_the_list_filters_by_signal_unit_and_inspection_and_exports_the_same_rows(photo_pair, personas, client_for,
                                                                                  county, ledger):
    client = client_for(personas.rectification_office)
    by_unit = client.get("/rectification/signals/", {"lead_unit": county.section.pk}).content.decode()
    assert "共 <span id=\"signal-count\">1</span> 条" in by_unit
    by_kind = client.get("/rectification/signals/", {"kind": "overnight"}).content.decode()
    assert "共 <span id=\"signal-count\">0</span> 条" in by_kind
    response = client.get("/rectification/signals/", {"inspection": ledger.inspection.pk, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert len(rows) == 2 and {r[0] for r in rows} == {"不同措施使用相似照片"}


def test_the_dashboard_and_the_report_say_how_many_signed_off_measures_carry_unresolved_signals(
        photo_pair, personas, client_for, ledger):
    client = client_for(personas.rectification_office)
    dashboard = client.get("/rectification/", {"inspection": ledger.inspection.pk}).content.decode()
    assert "其中 2 项有待核查的提示" in dashboard
    inspection = client.get(ledger.inspection.get_absolute_url()).content.decode()
    assert 'id="report-signals"' in inspection and "有 <strong>2</strong> 项带有待核查的提示" in inspection
    client.post(f"/rectification/signals/{photo_pair.pk}/decide/", {"decision": "fine", "reason": "属实"})
    assert "其中 1 项有待核查的提示" in client.get("/rectification/", {"inspection": ledger.inspection.pk}).content.decode()
    township = client_for(personas.township_admin)
    assert "有待核查的提示" not in township.get("/rectification/").content.decode()


def test_the_api_lists_and_decides_through_the_same_service(photo_pair, personas, api_for):
    office = api_for(personas.rectification_office)
    listed = office.get("/api/v1/signals/", {"kind": "similar_photo"}).json()
    assert {row["kind"] for row in listed["results"]} == {"similar_photo"} and len(listed["results"]) == 2
    assert api_for(personas.inspector).post(f"/api/v1/signals/{photo_pair.pk}/decide/",
                                            {"decision": "fine", "reason": "看过"}, format="json").status_code == 403
    done = office.post(f"/api/v1/signals/{photo_pair.pk}/decide/", {"decision": "fine", "reason": "属实"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "fine" and done.json()["decided_by_name"] == "李整改"
    again = office.post(f"/api/v1/signals/{photo_pair.pk}/decide/", {"decision": "fine", "reason": "再看"}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "signal_already_decided"
    assert office.get("/api/v1/signals/999999/").status_code == 404
