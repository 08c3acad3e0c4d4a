"""The one walk in the real browser: an applicant rates a case 不满意 on a phone (from the tracking page), the
office calls back and assigns it, the unit rectifies (answers), the office reports back, the applicant sees
the answer."""
from __future__ import annotations

import pytest

from tongban.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/workbench/")


def test_a_bad_rating_on_a_phone_travels_the_loop_back_to_the_applicant(browser, live_server, personas, county,
                                                                       make_case, unit_clerk, screenshot_dir):
    case = make_case(phone="13800004321")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                has_touch=True).new_page()
    phone.goto(f"{live_server.url}/portal/track/?number={case.number}")
    phone.fill("#track-factor", "4321")
    phone.click("#track-submit")
    phone.click("#track-rate")
    phone.click("label[for=level-2]")
    phone.click("#rate-submit")
    assert "请至少选择一个不满意的原因" in phone.inner_text("#rate-error")
    phone.check("#tag-come_again")
    phone.fill("#rate-comment", "第三次才收齐材料")
    phone.click("#rate-submit")
    assert phone.inner_text("#rating-level") == "不满意"
    assert "电话回访" in phone.inner_text("#rating-progress")
    rating_url = phone.url
    phone.screenshot(path=str(screenshot_dir / "feedback-rate-phone.png"), full_page=True)

    office = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    _log_in(office, live_server, personas.rectification_office)
    office.click("#nav-feedback")
    office.click("#feedback-nav a[href='/feedback/ratings/']")
    office.click(f"#rating-table a:has-text('{case.number}')")
    office.fill("#call-note", "申请人说材料清单没写全，跑了三次")
    office.click("#call-form button")
    office.select_option("#assign-class", "fix_now")
    office.select_option("#assign-unit", str(county.department.pk))
    office.fill("#assign-note", "请补全材料清单并向申请人说明")
    office.click("#assign-form button")
    assert office.inner_text("#handling-status") == "已交办"
    record_url = office.url

    unit = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    _log_in(unit, live_server, unit_clerk)
    unit.click(f"a[href='{record_url.replace(live_server.url, '')}']")  # from the 工作台
    unit.fill("#answer-text", "已在办事指南中补全材料清单，并当面向申请人致歉")
    unit.click("#answer-form button")
    assert unit.inner_text("#handling-status") == "已答复"

    office.reload()
    office.fill("#close-note", "已电话告知申请人整改结果，申请人表示满意")
    office.click("#close-submit")
    assert office.inner_text("#handling-status") == "已办结"

    phone.goto(rating_url)
    assert "已在办事指南中补全材料清单" in phone.inner_text("#rating-answer")
