"""领导坐班 through its services: the rota, attendance, the problem sheet, decisions into the loop, statistics and the
two-way channel with the dispatching unit's leader."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from tongban.meetings import selectors, services
from tongban.meetings.choices import Attendance, ReferralStatus
from tongban.meetings.models import DutyRota
from tongban.meetings.tests.conftest import DAY
from tongban.notifications.models import Notification
from tongban.rectification.choices import SourceKind

pytestmark = pytest.mark.django_db


def test_only_a_leader_is_put_on_the_rota_and_once_a_day(leaders, personas):
    services.schedule_duty(leader=leaders.samr, duty_date=DAY, by=personas.rectification_office)
    with pytest.raises(ValidationError, match="已安排坐班"):
        services.schedule_duty(leader=leaders.samr, duty_date=DAY, by=personas.rectification_office)
    with pytest.raises(ValidationError, match="不是领导"):
        services.schedule_duty(leader=personas.section_chief.staff, duty_date=DAY, by=personas.rectification_office)


def test_a_leader_from_a_stationed_unit_is_counted_for_that_unit_and_told(leaders, county, personas,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        duty = services.schedule_duty(leader=leaders.samr, duty_date=DAY, by=personas.rectification_office)
    assert duty.unit == county.department
    assert Notification.objects.filter(recipient=leaders.samr.user, code="meetings.duty_scheduled").count() == 1


def test_attendance_is_recorded_on_the_day_or_after_never_before(leaders, personas):
    duty = services.schedule_duty(leader=leaders.deputy, duty_date=DAY, by=personas.rectification_office)
    with pytest.raises(ValidationError, match="还没到"):
        services.record_attendance(duty, attendance=Attendance.PRESENT, today=DAY - timedelta(days=1))
    services.record_attendance(duty, attendance=Attendance.PRESENT, today=DAY)
    assert DutyRota.objects.get(pk=duty.pk).attendance == Attendance.PRESENT


def test_the_sheet_lists_the_open_problems_of_the_units_in_the_leaders_charge(leaders, overdue_measure, county):
    deputy_duty = services.schedule_duty(leader=leaders.deputy, duty_date=DAY)
    samr_duty = services.schedule_duty(leader=leaders.samr, duty_date=DAY)
    sheet = selectors.duty_sheet(deputy_duty)
    assert [(p.source, unit) for p, unit in sheet.rows()] == [("超期整改措施", "市场准入股")]
    assert selectors.duty_sheet(samr_duty).count == 0


def test_a_decision_sent_on_as_rectification_opens_a_measure_whose_source_is_the_decision(leaders, county):
    duty = services.schedule_duty(leader=leaders.deputy, duty_date=DAY)
    with pytest.raises(ValidationError, match="完成时限"):
        services.record_duty_decision(duty, text="整改", unit=county.section, open_measure=True, by=leaders.deputy.user)
    decision = services.record_duty_decision(
        duty, text="市场准入股三日内办结超期件", unit=county.section, deadline=DAY + timedelta(days=10),
        open_measure=True, problem_source="超期办件", problem_title="A01 超期", by=leaders.deputy.user)
    measure = decision.measure
    assert (measure.source_kind, measure.source, measure.lead_unit) == (SourceKind.DUTY_DECISION, decision, county.section)
    assert measure.responsible_leader == leaders.deputy and measure.deadline == DAY + timedelta(days=10)
    plain = services.record_duty_decision(duty, text="当场答复申请人", unit=county.section, by=leaders.deputy.user)
    assert plain.measure is None and plain.number == 2


def test_only_the_leader_on_duty_or_the_centre_records_the_days_decisions(leaders, county, personas):
    duty = services.schedule_duty(leader=leaders.deputy, duty_date=DAY)
    with pytest.raises(ValidationError, match="只有当天坐班的领导"):
        services.record_duty_decision(duty, text="x", unit=county.section, by=leaders.samr.user)
    services.record_duty_decision(duty, text="x", unit=county.section, by=personas.rectification_office)


def test_the_monthly_statistics_count_each_leader_and_each_unit(leaders, county):
    for day, leader, attendance in ((DAY, leaders.deputy, Attendance.PRESENT),
                                    (DAY + timedelta(days=1), leaders.deputy, Attendance.ABSENT),
                                    (DAY, leaders.samr, Attendance.EXCUSED),
                                    (date(2026, 12, 1), leaders.samr, Attendance.SCHEDULED)):
        duty = services.schedule_duty(leader=leader, duty_date=day)
        services.record_attendance(duty, attendance=attendance, today=day)
    services.record_duty_decision(DutyRota.objects.get(leader=leaders.deputy, duty_date=DAY), text="x",
                                  unit=county.section)
    stats = selectors.monthly_statistics(DutyRota.objects.all(), DAY)
    by_leader = {row["leader__name"]: row for row in stats["by_leader"]}
    assert {k: by_leader["钱副主任"][k] for k in ("scheduled", "present", "absent", "excused", "decisions")} == {
        "scheduled": 2, "present": 1, "absent": 1, "excused": 0, "decisions": 1}
    assert by_leader["吴局长"]["scheduled"] == 1  # December's day is not November's
    by_unit = {row["unit__name"]: row for row in stats["by_unit"]}
    assert by_unit["县市场监管局"]["excused"] == 1 and by_unit["测试县行政审批服务中心"]["leaders"] == 1


def test_a_problem_goes_to_the_dispatching_units_leader_and_the_answer_comes_back(
        leaders, county, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.send_referral(unit=county.department, title="窗口人员午间离岗",
                                          reply_due=DAY + timedelta(days=3), by=personas.inspector, today=DAY)
    assert referral.leader == leaders.samr
    assert Notification.objects.filter(recipient=leaders.samr.user, code="meetings.referral_sent").exists()
    with pytest.raises(ValidationError, match="只有“县市场监管局”的领导"):
        services.answer_referral(referral, answer="已处理", by=personas.section_chief)
    with django_capture_on_commit_callbacks(execute=True):
        answered = services.answer_referral(referral, answer="已约谈当事人并调整排班", by=leaders.samr.user, today=DAY)
    assert answered.status == ReferralStatus.ANSWERED
    assert Notification.objects.filter(recipient=personas.inspector, code="meetings.referral_answered").exists()
    with pytest.raises(ValidationError, match="不能重复答复"):
        services.answer_referral(answered, answer="再答", by=leaders.samr.user)


def test_a_unit_without_a_leader_cannot_be_sent_a_problem_and_nothing_is_written(leaders, county, personas):
    from tongban.meetings.models import Referral

    with pytest.raises(ValidationError, match="还没有登记领导"):
        services.send_referral(unit=county.township_b, title="x", reply_due=DAY, by=personas.inspector, today=DAY)
    with pytest.raises(ValidationError, match="已过"):
        services.send_referral(unit=county.department, title="x", reply_due=DAY - timedelta(days=1),
                               by=personas.inspector, today=DAY)
    assert not Referral.objects.exists()


def test_the_daily_job_hands_each_leader_on_duty_their_sheet_once(leaders, overdue_measure, personas):
    from tongban.jobs.services import run_job

    services.schedule_duty(leader=leaders.deputy, duty_date=DAY)
    excused = services.schedule_duty(leader=leaders.samr, duty_date=DAY)
    services.record_attendance(excused, attendance=Attendance.EXCUSED, today=DAY)
    run = run_job("meetings.hand_out_sheets", DAY, trigger="manual")
    assert run.result == {"duties": 1, "sent": 1}
    [message] = Notification.objects.filter(code="meetings.duty_sheet")
    assert message.recipient == leaders.deputy.user and "1 项" in message.title and "规范窗口收件" in message.body
    services.hand_out_sheets(DAY)  # again: nobody is told twice
    assert Notification.objects.filter(code="meetings.duty_sheet").count() == 1
