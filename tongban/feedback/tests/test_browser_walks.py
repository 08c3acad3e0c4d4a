"""The whole loop in the real browser for every source of the public's voice besides the 差评 (test_browser.py):
a complaint from the public mobile form, a 12345 order imported through the preview, a callback answered
"not satisfied" by phone (its lasting work a measure in the rectification ledger), and a callback answered by
the applicant online through its QR link. Every step is clicked; only what nobody could click (a case closed
last month, the unit's clerk) is made directly."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tongban.conftest import PASSWORD
from tongban.feedback.sampling import previous_month
from tongban.workdays.services import add_workdays

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _desk(browser, live_server, user):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/workbench/")
    return page


def _phone(browser):
    return browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                               has_touch=True).new_page()


def _assign(office, unit, classification: str, note: str, measure_deadline: str = ""):
    office.select_option("#assign-class", classification)
    office.select_option("#assign-unit", str(unit.pk))
    office.fill("#assign-note", note)
    if measure_deadline:
        office.fill("#assign-deadline", measure_deadline)
    office.click("#assign-form button")
    assert office.inner_text("#handling-status") == "已交办"


def _answer_from_the_workbench(page, live_server, record_url: str, text: str):
    """The unit's clerk finds the record on their 工作台 and answers it."""
    page.goto(f"{live_server.url}/workbench/")
    page.click(f"a[href='{record_url.replace(live_server.url, '')}']")
    page.fill("#answer-text", text)
    page.click("#answer-form button")
    assert page.inner_text("#handling-status") == "已答复"


def _fits_the_phone(page):
    """Mobile-first: nothing wider than the phone's screen (no sideways scrolling)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def _to_list(office, href: str):
    office.click("#nav-feedback")
    office.click(f"#feedback-nav a[href='{href}']")


def test_a_complaint_from_the_public_form_is_assigned_answered_reopened_and_closed(browser, live_server, personas,
                                                                                   county, unit_clerk):
    phone = _phone(browser)
    phone.goto(f"{live_server.url}/portal/")
    phone.click("a[href='/feedback/complain/']")
    _fits_the_phone(phone)
    phone.select_option("#c-category", "pain_point")
    phone.fill("#c-title", "窗口材料清单和网上不一致")
    phone.fill("#c-content", "网上说要三样材料，到窗口又要营业执照复印件")
    phone.fill("#c-name", "王五")
    phone.click("#complaint-form button[type=submit]")
    assert "实名提交请填写姓名和联系电话" in phone.inner_text("#complaint-error")
    phone.fill("#c-phone", "13900001111")
    phone.click("#complaint-form button[type=submit]")
    number = phone.inner_text("#complaint-number b")
    assert number.startswith("TS")

    office = _desk(browser, live_server, personas.rectification_office)
    _to_list(office, "/feedback/complaints/")
    office.click(f"#complaint-table a:has-text('{number}')")
    _assign(office, county.department, "fix_now", "请核对材料清单并回复投诉人")
    due = add_workdays(timezone.localdate(), 7).date  # 投诉办理时限 7 个工作日 (the setting's default)
    assert f"{due:%Y-%m-%d}" in office.inner_text("#handling")
    record_url = office.url

    unit = _desk(browser, live_server, unit_clerk)
    _answer_from_the_workbench(unit, live_server, record_url, "已核对，材料清单以网上为准，已通知窗口")

    office.reload()
    office.fill("#close-note", "电话核实：投诉人说窗口仍要复印件，不满意")
    office.click("#close-form button:has-text('不满意，重新交办')")
    assert office.inner_text("#handling-status") == "已交办"
    assert "重新交办 1 次" in office.inner_text("#handling")

    _answer_from_the_workbench(unit, live_server, record_url, "已当面培训窗口人员，不再要求复印件，并向投诉人致歉")
    office.reload()
    office.fill("#close-note", "再次电话核实，投诉人满意")
    office.click("#close-submit")
    assert office.inner_text("#handling-status") == "已办结"
    office.fill("#publish-form textarea", "已统一网上和窗口的材料清单，不再要求复印件。")
    office.click("#publish-form button")

    phone.goto(f"{live_server.url}/feedback/wall/")
    wall = phone.inner_text("main")
    assert "窗口材料清单和网上不一致" in wall and "不再要求复印件" in wall and "王五" not in wall


def test_a_hotline_order_is_imported_with_its_preview_transferred_answered_and_its_answer_returned(
        browser, live_server, personas, county, unit_clerk, tmp_path):
    export = tmp_path / "12345工单.csv"
    export.write_text("工单编号,诉求标题,诉求内容,来电人,来电号码,办理类型,受理时间\n"
                      "GD20261130001,营业执照办理慢,申请十天还没拿到执照,赵六,13700002222,紧急,2026-11-30 09:00\n",
                      encoding="utf-8")
    office = _desk(browser, live_server, personas.rectification_office)
    _to_list(office, "/feedback/complaints/")
    office.click("a:has-text('导入 12345 工单')")
    office.set_input_files("input[name=file]", str(export))
    office.click("button:has-text('上传并预览')")
    assert "新增 1 件" in office.inner_text("#import-summary")
    assert "营业执照办理慢" in office.inner_text("main table") and "紧急" in office.inner_text("main table")
    office.click("#import-confirm")
    assert "新增 1 件" in office.inner_text("main")
    office.click("#complaint-table tr:has-text('GD20261130001') a")
    _assign(office, county.department, "fix_now", "转办：请查明原因，答复来电人")
    due = add_workdays(timezone.localdate(), 1).date  # 12345 紧急工单 1 个工作日 (the setting's default)
    assert f"{due:%Y-%m-%d}" in office.inner_text("#handling")
    record_url = office.url
    assert "return-form" not in office.content()  # nothing to return before the unit answers

    unit = _desk(browser, live_server, unit_clerk)
    _answer_from_the_workbench(unit, live_server, record_url, "系统故障已排除，执照已于当日发出并电话告知")

    office.reload()
    office.click("#return-submit")
    assert office.inner_text("#hotline-returned") == "已回传"
    office.goto(f"{live_server.url}/feedback/complaints/?channel=hotline")
    assert office.locator("#complaint-table tr:has-text('GD20261130001') [data-returned]").inner_text() == "已回传 12345"


def _sample_last_month(office, live_server):
    office.goto(f"{live_server.url}/feedback/callbacks/")
    office.click("#draw-sample")


def test_a_callback_not_satisfied_is_assigned_answered_and_its_lasting_work_is_a_measure_in_the_ledger(
        browser, live_server, personas, county, unit_clerk, make_case):
    last_month = previous_month(timezone.localdate())
    case = make_case(closed_on=last_month + timedelta(days=9))
    office = _desk(browser, live_server, personas.rectification_office)
    _to_list(office, "/feedback/callbacks/")
    office.click("#draw-sample")
    office.click(f"#callback-table a:has-text('{case.number}')")
    office.select_option("#callback-form select[name=outcome]", "unsatisfied")
    office.fill("#callback-form textarea[name=remarks]", "领证时窗口让等了一个多小时，叫号系统常坏")
    office.click("#callback-form button")
    assert office.inner_text("#callback-outcome").startswith("不满意")
    assert office.inner_text("#handling-status") == "待处理"
    deadline = add_workdays(timezone.localdate(), 30).date
    _assign(office, county.department, "needs_time", "叫号系统须更换", f"{deadline:%Y-%m-%d}")
    record_url = office.url
    office.click("#handling a[href^='/rectification/measures/']")
    assert "叫号系统须更换" in office.inner_text("main")
    assert case.number in office.inner_text("#measure-source")

    unit = _desk(browser, live_server, unit_clerk)
    _answer_from_the_workbench(unit, live_server, record_url, "已报采购更换叫号系统，临时增派导办员")

    office.goto(record_url)
    office.fill("#close-note", "已告知申请人整改安排，申请人满意")
    office.click("#close-submit")
    assert office.inner_text("#handling-status") == "已办结"
    office.goto(f"{live_server.url}/feedback/loop/")
    row = office.locator("#loop-table tr[data-source=callback] td")
    assert [row.nth(i).inner_text() for i in range(5)] == ["回访不满意、未接通", "1", "0", "1", "100%"]


def test_an_applicant_answers_the_callback_online_by_qr_code_once_and_it_enters_the_loop(
        browser, live_server, personas, county, unit_clerk, make_case, screenshot_dir):
    last_month = previous_month(timezone.localdate())
    case = make_case(closed_on=last_month + timedelta(days=3))
    office = _desk(browser, live_server, personas.rectification_office)
    _sample_last_month(office, live_server)
    office.click(f"#callback-table a:has-text('{case.number}')")
    office.click("#online-submit")
    expect(office.locator("#callback-qr svg")).to_have_count(1)  # waits for the sheet: count() would not
    office.screenshot(path=str(screenshot_dir / "feedback-callback-qr-sheet.png"), full_page=True)
    link = office.inner_text("#callback-link")
    assert "/feedback/callback/" in link
    office.reload()  # post/redirect/get: a reload shows the same link and makes no new one
    assert office.inner_text("#callback-link") == link

    phone = _phone(browser)
    phone.goto(live_server.url + link[link.index("/feedback/"):])  # the printed link names the site (SITE_URL)
    _fits_the_phone(phone)
    phone.click("label[for=answer-no]")
    phone.click("#callback-submit")
    assert "原因" in phone.inner_text("#callback-error")
    phone.check("#reason-long_wait")
    phone.fill("#callback-remarks", "等了一个半小时")
    phone.click("#callback-submit")
    assert phone.inner_text("#callback-outcome") == "不满意"
    phone.screenshot(path=str(screenshot_dir / "feedback-callback-online-phone.png"), full_page=True)
    phone.reload()
    assert phone.locator("#callback-answer-form").count() == 0  # once only

    office.goto(f"{live_server.url}/feedback/callbacks/")
    row = office.locator(f"#callback-table tr:has-text('{case.number}')")
    assert row.locator("[data-online]").inner_text() == "网上答复"
    row.locator("a").first.click()
    assert "网上答复" in office.inner_text("#callback-outcome")
    _assign(office, county.department, "fix_now", "请调整高峰时段窗口")
    record_url = office.url
    unit = _desk(browser, live_server, unit_clerk)
    _answer_from_the_workbench(unit, live_server, record_url, "高峰时段已增开两个窗口")
