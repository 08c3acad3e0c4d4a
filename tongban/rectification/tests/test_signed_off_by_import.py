"""A ledger row written 已完成 / 已整改到位 becomes a signed-off measure without any evidence (issue 7):
the preview says so, and the measure shows — on its page, in the API and in the lists — that it was
signed off by the import, by whom, with no evidence attached."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine

from tongban.rectification import services
from tongban.rectification.importing import import_ledger
from tongban.rectification.ledger_parsing import parse_ledger
from tongban.rectification.models import Measure
from tongban.rectification.tests.conftest import upload
from tongban.rectification.tests.test_importing import good_rows, messy_ledger

pytestmark = pytest.mark.django_db


def rows_with_two_done():
    rows = good_rows()
    rows[2][9] = "已整改到位"  # row 6 too; row 4 already says 已完成
    return rows


def test_the_preview_says_how_many_rows_are_signed_off_without_evidence_and_which(county, personas):
    preview = import_ledger(parse_ledger(messy_ledger(rows_with_two_done())), dry_run=True,
                            by=personas.rectification_office)
    assert preview.ok
    assert [(s["row"], s["text"]) for s in preview.signed_off] == [(4, "制定年度工作方案"), (6, "制定回访制度")]
    assert "2 项" in preview.summary() and "没有佐证材料" in preview.summary()
    assert preview.as_json()["signed_off_by_import"] == [{"row": 4, "text": "制定年度工作方案"},
                                                         {"row": 6, "text": "制定回访制度"}]


def test_imported_done_rows_are_marked_signed_off_by_import(county, personas):
    import_ledger(parse_ledger(messy_ledger(rows_with_two_done())), by=personas.rectification_office)
    assert sorted(Measure.objects.signed_off_by_import().values_list("text", flat=True)) == ["制定回访制度", "制定年度工作方案"]
    measure = Measure.objects.get(text="制定年度工作方案")
    assert measure.signed_off_by_import and measure.verified_by == personas.rectification_office
    assert not Measure.objects.get(text="每月抽取业务电话回访").signed_off_by_import


def test_a_reopened_measure_signed_off_again_through_the_loop_is_no_longer_signed_off_by_import(county, personas):
    office = personas.rectification_office
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        import_ledger(parse_ledger(messy_ledger(rows_with_two_done())), by=office)
        measure = Measure.objects.get(text="制定年度工作方案")
        revisit = services.schedule_revisit(measure, scheduled_date=date(2026, 11, 10), by=office)
        services.record_revisit(revisit, done_date=date(2026, 11, 18), satisfied=False, notes="未落实",
                                new_deadline=date(2026, 12, 31), by=office)
    with time_machine.travel("2026-11-25 10:00 +0800", tick=False):
        services.add_progress(measure, text="已重新印发", files=[upload("方案.pdf")], by=personas.section_chief)
        services.submit_for_signoff(measure, by=personas.section_chief)
        services.verify_measure(measure, by=office)
    measure.refresh_from_db()
    assert measure.status == "verified" and not measure.signed_off_by_import
    assert measure.import_verified_at is not None  # the import's sign-off stays on record
    assert list(Measure.objects.signed_off_by_import().values_list("text", flat=True)) == ["制定回访制度"]


def test_the_measure_page_says_signed_off_by_import_by_whom_without_evidence(county, personas, client_for):
    import_ledger(parse_ledger(messy_ledger(rows_with_two_done())), by=personas.rectification_office)
    measure = Measure.objects.get(text="制定年度工作方案")
    page = client_for(personas.director).get(measure.get_absolute_url()).content.decode()
    assert 'id="signed-off-by-import"' in page
    assert "台账导入销号" in page and "李整改" in page and "未附佐证材料" in page


def test_the_api_says_signed_off_by_import(county, personas, api_for):
    import_ledger(parse_ledger(messy_ledger(rows_with_two_done())), by=personas.rectification_office)
    measure = Measure.objects.get(text="制定年度工作方案")
    data = api_for(personas.director).get(f"/api/v1/measures/{measure.pk}/").json()
    assert data["signed_off_by_import"] is True and data["verified_by_name"] == "李整改"
    assert data["evidence_count"] == 0
    listed = api_for(personas.director).get("/api/v1/measures/", {"signed_off_by_import": "true"}).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert sorted(r["text"] for r in rows) == ["制定回访制度", "制定年度工作方案"]


def test_the_results_list_shows_how_each_measure_was_signed_off(county, personas, client_for):
    import_ledger(parse_ledger(messy_ledger(rows_with_two_done())), by=personas.rectification_office)
    client = client_for(personas.director)
    page = client.get("/rectification/lists/results/").content.decode()
    assert page.count("台账导入（李整改，无佐证材料）") == 2
    only = client.get("/rectification/lists/results/", {"signed_off_by_import": "true"}).content.decode()
    assert only.count("台账导入（李整改，无佐证材料）") == 2
    assert "共 2 条" in only
