"""评优 in the real browser: the office opens October's 服务标兵 candidates from the menu, nominates the one the
records favour, the centre leader awards it with a note, and the honour is on the portal's hall page."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_candidates_to_nomination_to_decision_to_the_portal(login_page, live_server, hall, personas, county,
                                                                 screenshot_dir):
    page = login_page(personas.rectification_office)
    page.click("#nav-staffing")
    page.click("#nav-honours")
    page.click("a[href*='/honours/kinds/service-star/']")
    page.goto(f"{live_server.url}/honours/kinds/service-star/?period=2025-10")
    late = page.locator(f"#candidate-{hall.late.pk}")
    assert "迟到早退 1 次" in late.inner_text() and late.locator("textarea").count() == 0
    row = page.locator(f"#candidate-{hall.star.pk}")
    assert "符合条件" in row.inner_text() and "99.50" in row.inner_text()
    row.locator("textarea[name=reason]").fill("10 月零差评，两次非常满意，考核 99.5 分")
    row.locator("button:has-text('提名')").click()
    assert "已提名郑标兵" in page.inner_text("body")
    page.screenshot(path=str(screenshot_dir / "honours-candidates.png"), full_page=True)

    page.context.clear_cookies()
    page = login_page(personas.director)
    page.goto(f"{live_server.url}/honours/list/?period=2025-10")
    page.click("a:has-text('郑标兵')")
    page.check("input[name=award][value='1']")
    page.fill("textarea[name=decision_note]", "经中心主任办公会研究，同意授予")
    page.click("button:has-text('提交决定')")
    assert page.inner_text("#honour-status") == "已授予"
    assert "评优〔" in page.inner_text("#decision")

    page.goto(f"{live_server.url}/portal/points/{county.center.code}/")
    honours = page.inner_text("#point-honours")
    assert "2025年10月" in honours and "服务标兵" in honours and "郑标兵" in honours
