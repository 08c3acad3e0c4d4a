"""The morning check in the real browser: the director opens 值班查看 from the menu on 20 October 2026, sees
the overdue case with its working days and the due-soon one, then the dashboard draws its four charts."""
from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_director_does_the_morning_check(login_page, live_server, personas, october, screenshot_dir):
    with time_machine.travel(datetime.fromisoformat("2026-10-20T09:00:00+08:00"), tick=True):
        page = login_page(personas.director)
        page.click("#nav-supervision")
        page.click("#mainnav a.dropdown-item[href='/supervision/duty/']")
        page.wait_for_selector("#overdue-table")
        assert page.inner_text("#stat-overdue") == "1"
        row = page.locator(f"#overdue-table tr:has-text('{october.c.number}')")
        assert row.locator("td.overdue-workdays").inner_text() == "1"
        assert october.d.number in page.inner_text("#due-soon-table")
        assert "城关镇便民服务中心" in page.inner_text("#site-table")
        page.screenshot(path=str(screenshot_dir / "supervision-duty.png"), full_page=True)

        page.click("#supervision-nav a[href='/supervision/dashboard/']")
        page.wait_for_selector("body[data-charts-ready='1']")
        for chart in ("#chart-unit", "#chart-month", "#chart-trend", "#chart-heat"):
            assert page.locator(f"{chart} canvas").count() == 1, chart
        page.screenshot(path=str(screenshot_dir / "supervision-dashboard.png"), full_page=True)
        assert page.inner_text("#stat-received") == "5"  # October's five cases (built through 28 Oct)
        assert page.inner_text("#stat-overdue") == "2"  # B and C past 19 Oct by the 20th (D falls due that day)
