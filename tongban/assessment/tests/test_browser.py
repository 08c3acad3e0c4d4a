"""The office's month in the real browser: from the menu to October's scores, into the department's score
sheet (each point a link to its record), back, lock, publish the 红黑榜 and download the printed notice."""
from __future__ import annotations

import io

import pytest
from docx import Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_goes_from_the_months_scores_to_the_printed_notice(login_page, scored, personas, county,
                                                                       screenshot_dir, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = login_page(personas.rectification_office)
    page.click("#nav-assessment")
    page.click(f"a:has-text('{scored}')")
    page.click(f"a:has-text('{county.department.name}')")
    traces = page.locator("a.trace")
    assert traces.count() >= 1 and traces.first.get_attribute("href").startswith(("/cases/", "/supervision/"))
    page.go_back()
    page.click("button:has-text('锁定结果')")
    page.click("button:has-text('发布红黑榜')")
    assert "红黑榜（已发布）" in page.inner_text("body")
    page.screenshot(path=str(screenshot_dir / "assessment-month.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#notice-link")
    text = "\n".join(p.text for p in Document(io.BytesIO(open(download.value.path(), "rb").read())).paragraphs)
    assert "效能考核情况的通报" in text.replace("\n", "") and "红黑榜" in text
