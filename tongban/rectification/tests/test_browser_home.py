"""The 工作台 in a real browser: the director opens it, sees the measure waiting for sign-off, the county's
charts drawn by ECharts, follows the item to the measure and signs it off; the README's home.png is saved."""
import pytest

from tongban.rectification import services
from tongban.rectification.tests.conftest import upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_director_signs_off_from_the_home_page(ledger, personas, login_page, live_server, screenshot_dir):
    services.add_progress(ledger.section_measure, text="方案已印发", files=[upload("方案.pdf")],
                          by=personas.section_chief)
    services.submit_for_signoff(ledger.section_measure, by=personas.section_chief)

    page = login_page(personas.director)
    page.set_viewport_size({"width": 1366, "height": 900})
    signoff = page.locator("#section-rectificationsignoff")
    assert signoff.locator(".home-count").inner_text() == "1"
    page.wait_for_selector("body[data-charts-ready='1']")
    page.wait_for_selector("#chart-unit canvas")
    assert page.locator("#county-total").inner_text() == "4"
    page.screenshot(path=str(screenshot_dir / "home.png"), full_page=True)

    signoff.get_by_text("制定年度工作方案").click()
    page.wait_for_url(f"{live_server.url}/rectification/measures/{ledger.section_measure.pk}/")
    page.get_by_role("button", name="审核通过，销号").click()
    page.wait_for_selector(".alert-success")
    page.goto(f"{live_server.url}/workbench/")
    assert page.locator("#section-rectificationsignoff .home-empty").is_visible()
