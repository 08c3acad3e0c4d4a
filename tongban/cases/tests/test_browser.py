"""A day of the centre in the real browser: the comprehensive window takes 我要开饭店 with one material under
容缺, the departments approve in parallel, the delivery window hands the licences out."""
from __future__ import annotations

import pytest

from tongban.cases.models import Case
from tongban.cases.tests.conftest import ORG_CODE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(login_page, page, user):
    page.context.clear_cookies()
    return login_page(user)


def _approve(page, live_server, case, task, reason):
    page.goto(f"{live_server.url}/cases/{case.number}/")
    form = page.locator(f"form.task-form:has(input[name=task][value='{task.pk}'])")
    form.locator("input[name=reason]").fill(reason)
    form.locator("button[value=approve]").click()
    page.wait_for_selector("#case-status")


def test_a_restaurant_is_opened_at_one_window_with_one_material_pending(login_page, live_server, case_people,
                                                                         restaurant, screenshot_dir):
    page = login_page(case_people.clerk)
    page.goto(f"{live_server.url}/cases/new/")
    page.select_option("#id_bundle", label="我要开饭店")
    page.click("#choose")
    page.select_option("#id_applicant_kind", "organisation")
    page.fill("#id_applicant_name", "城关美味餐饮有限公司")
    page.fill("#id_id_number", ORG_CODE)
    page.fill("#id_phone", "13800001234")
    page.fill("#id_legal_representative", "刘老板")
    page.select_option("select[name=m_layout_plan]", "pending")
    page.click("#receive")
    page.wait_for_selector("#case-number")
    case = Case.objects.get()
    assert page.inner_text("#case-status") == "待受理"

    page.check("#id_promise_signed")
    page.click("#case-form button[value=accept_pending]")
    page.wait_for_selector("#case-status:has-text('审查中')")
    page.screenshot(path=str(screenshot_dir / "cases-accepted.png"), full_page=True)

    tasks = {t.item_id: t for t in case.tasks.all()}
    page = _as(login_page, page, case_people.samr_reviewer)
    _approve(page, live_server, case, tasks[restaurant.company.pk], "材料齐全，准予登记")
    for reviewer, item in ((case_people.fire_reviewer, restaurant.fire), (case_people.samr_reviewer, restaurant.food),
                           (case_people.water_reviewer, restaurant.drain)):
        page = _as(login_page, page, reviewer)
        page.goto(f"{live_server.url}/cases/review/")
        assert case.number in page.inner_text("#task-table")
        _approve(page, live_server, case, tasks[item.pk], "符合条件")
    assert page.inner_text("#case-status") == "待出件"

    page = _as(login_page, page, case_people.delivery_clerk)
    page.goto(f"{live_server.url}/cases/delivery/")
    page.click(f"text={case.number}")
    page.fill("#id_licence_number", "JY14101000001")
    page.fill("#id_recipient", "刘老板")
    page.click("#case-form button[value=deliver]")
    page.wait_for_selector("#case-status:has-text('已办结')")
    case.refresh_from_db()
    assert case.status == "closed" and case.handover.licence_number == "JY14101000001"
    assert list(case.events.order_by("pk").values_list("blzt", flat=True))[-1] == 12  # approved under 容缺
