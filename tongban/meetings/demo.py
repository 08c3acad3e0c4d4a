"""Demo 领导坐班 and meetings: last working day's duty (attended, two decisions, one sent on as a measure, a
problem sent to a stationed unit's leader and answered), today's and next week's duty, last month's 整改协调会
with its minutes issued and two decisions, and next month's township meeting. Idempotent: once built, left alone."""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tongban.meetings import services
from tongban.meetings.choices import Attendance, MeetingKind
from tongban.meetings.models import DutyRota, Meeting
from tongban.org.models import Staff
from tongban.workdays.services import is_workday


def _workday_before(day, *, steps: int = 1):
    for _ in range(steps):
        day -= timedelta(days=1)
        while not is_workday(day):
            day -= timedelta(days=1)
    return day


def build_demo(county) -> str:
    if DutyRota.objects.exists() or Meeting.objects.exists():
        return f"坐班 {DutyRota.objects.count()} 人次，会议 {Meeting.objects.count()} 次"
    leaders = {s.staff_no: s for s in Staff.objects.filter(staff_no__in=["ZX002", "ZX003", "ZX004"], is_leader=True)}
    office = county.users.get("zhenggai")
    units = county.units
    if len(leaders) < 3 or office is None or "dept-samr" not in units:
        return "缺少领导或单位，未生成坐班和会议"
    today = timezone.localdate()
    past = _workday_before(today)

    duty = services.schedule_duty(leader=leaders["ZX003"], duty_date=past, by=office)
    services.record_attendance(duty, attendance=Attendance.PRESENT, by=office, today=today)
    services.record_duty_decision(
        duty, text="市场准入股当天核查超期办件原因，对窗口人员提醒谈话，三个工作日内办结。", unit=units["sec-market"],
        problem_source="超期办件", problem_title="市场准入窗口超期办件", by=office)
    services.record_duty_decision(
        duty, text="县市场监管局梳理营业执照变更登记容缺材料清单并在窗口公示。", unit=units["dept-samr"],
        deadline=past + timedelta(days=20), open_measure=True, by=office)
    services.send_referral(unit=units["dept-samr"], title="驻厅窗口人员午间提前离岗", duty=duty,
                           description="坐班中发现市场监管窗口 11:40 无人值守，请派出单位核实并加强管理。",
                           reply_due=today + timedelta(days=5), by=office, today=past)
    services.schedule_duty(leader=leaders["ZX002"], duty_date=today, by=office)
    services.schedule_duty(leader=leaders["ZX004"], duty_date=today + timedelta(days=7), by=office)

    chair = Staff.objects.filter(staff_no="ZX001").first()
    held = _workday_before(today.replace(day=1), steps=5)
    meeting = services.schedule_meeting(
        kind=MeetingKind.RECTIFICATION, title=f"{held.month}月巡察整改协调会", held_on=held, organiser=county.center,
        place="中心三楼会议室", chair=chair, units=[units["sec-market"], units["dept-samr"], units["sec-efficiency"]],
        attendees=list(leaders.values()), by=office)
    services.record_minutes(meeting, expected_version=meeting.version, by=office, minutes=(
        "会议听取了巡察反馈问题整改进展情况汇报，通报了超期办件、督办单答复和终端故障情况。\n"
        "会议指出，部分进驻部门窗口授权不到位，“三集中三到位”仍有差距，要对照负面清单逐项整改。"))
    services.add_meeting_decision(meeting, text="各进驻部门对照负面清单完成窗口授权，报中心备案。",
                                  unit=units["dept-samr"], deadline=held + timedelta(days=30), by=office)
    services.add_meeting_decision(meeting, text="效能监察股每周通报超期办件和督办单答复情况。",
                                  unit=units["sec-efficiency"], deadline=held + timedelta(days=14), by=office)
    services.issue_minutes(meeting, by=office, on=held)

    townships = [units[code] for code in ("tw-chengguan", "tw-wangji", "tw-zhaohe", "tw-liuhe") if code in units]
    services.schedule_meeting(
        kind=MeetingKind.TOWNSHIP, title=f"{(today + timedelta(days=10)).month}月政务服务基层延伸工作会议",
        held_on=today + timedelta(days=10), organiser=county.center, place="中心三楼会议室", chair=leaders["ZX004"],
        units=townships, attendees=list(Staff.objects.filter(unit__in=townships, role="township_admin")), by=office)
    return "坐班 3 人次（决定 2 项、问题互通 1 件），会议 2 次（纪要 1 份）"
