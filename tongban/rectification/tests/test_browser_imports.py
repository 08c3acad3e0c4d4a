"""The ledger import in a real browser (issues 7 and 9): an .xls ledger with a unit name the county
does not know; the office maps it to a unit in the preview, imports, and later re-imports the file
after a deadline was changed in tongban — the preview shows the conflict and takes the file's value
only when ticked."""
from __future__ import annotations

from datetime import date

import pytest

from tongban.core.tests.office_files import convert
from tongban.org.models import UnitAlias
from tongban.rectification import services
from tongban.rectification.models import Measure
from tongban.rectification.tests.test_importing import good_rows, messy_ledger

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_xls_ledger_with_an_unknown_unit_and_a_later_conflict(personas, county, login_page, live_server, tmp_path,
                                                                 screenshot_dir):
    rows = good_rows()
    rows[0][4] = "市场局"  # the county's 县市场监管局, as the ledger writes it
    source = tmp_path / "整改台账.xlsx"
    source.write_bytes(messy_ledger(rows).getvalue())
    [ledger] = convert([source], "xls", tmp_path / "xls")

    page = login_page(personas.rectification_office)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/rectification/import/")
    page.set_input_files("#id_file", str(ledger))
    page.click("text=上传并预览")
    page.wait_for_selector("#import-unknown-units")
    assert page.locator("#confirm-import").count() == 0
    row = page.locator('#import-unknown-units tr[data-name="市场局"]')
    row.locator("select[name$=_action]").select_option("map")
    row.locator("select[name$=_unit]").select_option(label="县市场监管局")
    with page.expect_navigation():
        page.click("text=按此处理并重新预览")
    assert "“市场局”将记为“县市场监管局”的别名" in page.locator("#import-unit-choices").inner_text()
    assert "县市场监管局" in page.locator("#import-matches").inner_text()
    page.screenshot(path=str(screenshot_dir / "rectification-import-units.png"), full_page=True)
    page.click("#confirm-import")
    page.wait_for_selector("#import-done-link")
    assert UnitAlias.objects.get(name="市场局").unit == county.department
    measure = Measure.objects.get(text="制定年度工作方案")
    assert measure.lead_unit == county.department

    # A deadline changed in tongban after the import; the same file comes back.
    other = Measure.objects.get(text="制定回访制度")
    services.update_measure(other, expected_version=None, deadline=date(2024, 3, 31), by=personas.rectification_office)
    page.goto(f"{live_server.url}/rectification/import/")
    page.set_input_files("#id_file", str(ledger))
    page.select_option("#id_inspection", label=measure.inspection.title)
    page.click("text=上传并预览")
    page.wait_for_selector("#import-changes")
    conflict = page.locator(f'#import-changes tr[data-key="{other.pk}:deadline"]')
    assert "导入后在系统中修改过" in conflict.inner_text() and "2024-03-31" in conflict.inner_text()
    page.screenshot(path=str(screenshot_dir / "rectification-import-conflicts.png"), full_page=True)
    conflict.locator("input[type=checkbox]").check()
    with page.expect_navigation():
        page.click("#repreview-changes")
    assert "保留系统值" not in page.locator("#import-changes").inner_text()
    page.click("#confirm-import")
    page.wait_for_selector("#import-done-link")
    other.refresh_from_db()
    assert other.deadline == date(2023, 9, 30)
