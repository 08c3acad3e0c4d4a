"""Issue 3's path in a real browser: the office imports a ledger from Excel, a township reports progress
with evidence and applies for sign-off, the office finds it on its 待我审核 list and signs off, and both 公文
are downloaded."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from tongban.rectification.models import Measure
from tongban.rectification.tests.conftest import PDF_BYTES
from tongban.rectification.tests.test_importing import good_rows, messy_ledger

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_to(page, login_page, user):
    page.context.clear_cookies()
    return login_page(user)


def test_from_excel_through_the_loop_to_both_documents(personas, county, login_page, live_server, tmp_path,
                                                      screenshot_dir):
    ledger = tmp_path / "整改台账.xlsx"
    ledger.write_bytes(messy_ledger(good_rows()).getvalue())
    evidence = tmp_path / "回访制度.pdf"
    evidence.write_bytes(PDF_BYTES)

    # 1. The office uploads the ledger, checks the preview and confirms.
    page = login_page(personas.rectification_office)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/rectification/import/")
    page.set_input_files("#id_file", str(ledger))
    page.click("text=上传并预览")
    page.wait_for_selector("#confirm-import")
    assert "新增 4 项" in page.locator("#import-summary").inner_text()
    page.screenshot(path=str(screenshot_dir / "rectification-import-preview.png"), full_page=True)
    page.click("#confirm-import")  # the import runs as a Huey task (immediate in tests): its progress page
    page.wait_for_selector("#import-done-link")
    assert page.locator("#import-progress .progress").get_attribute("aria-valuenow") == "100"
    page.click("#import-done-link")
    page.wait_for_selector("#inspection-counts")
    assert page.locator("#count-measures").inner_text() == "4"

    # 2. The township that leads a measure reports progress with evidence and applies for sign-off.
    measure = Measure.objects.get(text="制定回访制度")
    page = switch_to(page, login_page, personas.other_township_admin)
    page.goto(f"{live_server.url}{measure.get_absolute_url()}")
    page.fill("#form-progress textarea[name=text]", "回访制度已印发，本月回访 120 件。")
    page.set_input_files("#form-progress input[type=file]", str(evidence))
    page.click("#form-progress button[type=submit]")
    page.wait_for_selector("text=已填报整改进展")
    assert page.locator(".evidence-link").inner_text() == "回访制度.pdf"
    page.fill("#form-submit textarea[name=result]", "制度已印发执行")
    page.click("#form-submit button[type=submit]")
    page.wait_for_selector("text=已申请销号")
    assert "申请销号" in page.locator("#measure-status").inner_text()

    # 3. The office finds it on its 待我审核 list and signs it off.
    page = switch_to(page, login_page, personas.rectification_office)
    page.goto(f"{live_server.url}/rectification/")
    page.click("#nav-signoff")
    page.wait_for_selector("#signoff-table")
    row = page.locator("#signoff-table tbody tr")
    assert row.count() == 1 and "制定回访制度" in row.inner_text() and "孙乡镇" in row.inner_text()
    row.locator("a").click()
    page.click("#form-verify button[type=submit]")
    page.wait_for_selector("text=已销号")
    assert "已整改到位" in page.locator("#measure-status").inner_text()
    page.screenshot(path=str(screenshot_dir / "rectification-measure.png"), full_page=True)

    # 4. The dashboard, then both documents from the inspection page.
    page.goto(f"{live_server.url}/rectification/")
    page.wait_for_selector("body[data-charts-ready='1']")
    assert page.locator("#stat-verified").inner_text() == "2"  # 已完成 in the ledger, and the one signed off now
    page.screenshot(path=str(screenshot_dir / "rectification-dashboard.png"), full_page=True)
    page.goto(f"{live_server.url}{measure.finding.inspection.get_absolute_url()}")
    for link, heading in (("#report-progress", "二、整改落实情况"), ("#report-plan", "二、整改主要内容")):
        with page.expect_download() as download_info:
            page.click(link)
        content = Path(download_info.value.path()).read_bytes()
        text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
        assert heading in text
