"""The unit and people pickers in a real browser: a name found by its pinyin initials and shown with its unit,
a unit found by full pinyin, a unit by its name; the form saves what was picked."""
import pytest

from tongban.rectification.models import Measure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pick(page, field: str, typed: str, expect: str) -> str:
    """Focus the picker of `field`, put `typed` in its search box at once (no keystroke can be lost to a picker
    still opening), wait until `expect` is the highlighted match, take it with Enter (as people do); returns the
    option's text."""
    search = page.locator(f"#id_{field}-ts-control")
    search.focus()
    search.fill(typed)
    option = page.locator(f"#id_{field}-ts-dropdown .option.active", has_text=expect)  # the best match, highlighted
    option.wait_for()
    text = option.inner_text()
    search.press("Enter")
    return text


def test_the_office_picks_units_and_people_by_pinyin_and_saves_the_measure(ledger, county, personas, login_page,
                                                                          live_server, screenshot_dir):
    page = login_page(personas.rectification_office)
    page.goto(f"{live_server.url}/rectification/findings/{ledger.problem.pk}/measures/new/")
    page.wait_for_selector("body[data-pickers-ready='1']")
    page.fill("#id_text", "建立窗口人员轮岗制度")

    pick(page, "lead_unit", "市场准入", "市场准入股")
    person = pick(page, "responsible_person", "wgz", "王股长")
    pick(page, "supporting_units", "chengguan", "城关镇便民服务中心")
    pick(page, "supporting_units", "wangcun", "王村乡便民服务中心")
    assert "市场准入股" in person and "股长" in person  # people are shown with their unit and position
    page.screenshot(path=str(screenshot_dir / "rectification-pickers.png"), full_page=True)
    page.fill("#id_deadline", "2026-12-31")
    page.click("#measure-form button[type=submit]")
    page.wait_for_selector(".alert-success")

    measure = Measure.objects.get(text="建立窗口人员轮岗制度")
    assert measure.lead_unit == county.section
    assert measure.responsible_person.name == "王股长"
    assert {u.name for u in measure.supporting_units} == {"城关镇便民服务中心", "王村乡便民服务中心"}
