"""The one walk in the real browser: the deputy on duty today finds the sheet on the 工作台, takes the overdue
measure of 市场准入股 with 作决定, sends it on as rectification with a deadline, and sees the new measure linked."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.meetings import services
from tongban.meetings.models import Decision
from tongban.rectification.choices import SourceKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_leader_on_duty_decides_on_a_problem_of_the_sheet(login_page, leaders, overdue_measure, screenshot_dir):
    duty = services.schedule_duty(leader=leaders.deputy, duty_date=timezone.localdate())
    page = login_page(leaders.deputy.user)
    assert "规范窗口收件" in page.inner_text("#home-duty")
    page.click("#section-meetingson_duty a[href$='/meetings/duty/%d/']" % duty.pk)
    page.wait_for_selector("#sheet-table")
    page.locator("#sheet-table tr:has-text('规范窗口收件') button.decide-on").click()
    assert "超期整改措施：规范窗口收件" in page.inner_text("#decision-problem")
    page.fill("#decision-form [name=text]", "市场准入股本周内完成窗口收件规范并报中心")
    page.fill("#decision-form [name=deadline]", (timezone.localdate() + timedelta(days=7)).isoformat())
    page.check("#decision-form [name=open_measure]")
    page.click("#decision-form button[type=submit]")
    page.wait_for_selector("#decision-table a")
    page.screenshot(path=str(screenshot_dir / "meetings-duty.png"), full_page=True)
    decision = Decision.objects.get(duty=duty)
    assert (decision.problem_source, decision.problem_title) == ("超期整改措施", "规范窗口收件")
    assert decision.measure.source_kind == SourceKind.DUTY_DECISION
    assert decision.unit_id == overdue_measure.lead_unit_id  # the unit came with the problem
