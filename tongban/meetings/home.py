"""The 工作台 lines of 领导坐班 and the meetings (registered with `tongban.core.home` at start-up): the leader on
duty today sees their problem sheet, the leader or head of a unit sees the centre's problems waiting for their
answer, an attendee sees the meetings coming up. Each reads the same selector as its page."""
from __future__ import annotations

from datetime import date

from django.db.models import Q
from django.urls import reverse

from tongban.core.home import HomeContent, HomeSection, register
from tongban.meetings import selectors
from tongban.meetings.choices import ReferralStatus
from tongban.meetings.models import DutyRota, Meeting, Referral
from tongban.org.choices import Role

SHOWN = 6


def _staff(request):
    staff = getattr(request.user, "staff", None)
    return staff if staff is not None and staff.is_active else None


def on_duty_today(request, today: date) -> HomeContent | None:
    staff = _staff(request)
    if staff is None or not staff.is_leader:
        return None
    duty = DutyRota.objects.select_related("leader", "unit").filter(leader=staff, duty_date=today).first()
    if duty is None:
        return None
    sheet = selectors.duty_sheet(duty, reader=request.user)
    return HomeContent(sheet.count, {"duty": duty, "rows": sheet.rows()[:SHOWN]}, more_link=duty.get_absolute_url(),
                       empty_link=duty.get_absolute_url(), empty_action="打开坐班页面")


def referrals_to_answer(request, today: date) -> HomeContent | None:
    staff = _staff(request)
    if staff is None:
        return None
    answers_for_unit = staff.is_leader or staff.role in (Role.UNIT_HEAD, Role.TOWNSHIP_ADMIN)
    mine = Q(leader=staff) | (Q(unit_id=staff.unit_id) if answers_for_unit else Q(pk__in=[]))
    if not answers_for_unit and not Referral.objects.filter(leader=staff).exists():
        return None
    waiting = Referral.objects.filter(mine, status=ReferralStatus.WAITING).select_related("unit").order_by("reply_due")
    return HomeContent(waiting.count(), {"referrals": list(waiting[:SHOWN]), "today": today},
                       more_link=f"{reverse('meetings:referral_list')}?status={ReferralStatus.WAITING}")


def my_meetings(request, today: date) -> HomeContent | None:
    staff = _staff(request)
    if staff is None:
        return None
    coming = Meeting.objects.filter(attendees=staff, held_on__gte=today).order_by("held_on", "pk")
    count = coming.count()
    if not count:
        return None
    return HomeContent(count, {"meetings": list(coming[:SHOWN])}, more_link=reverse("meetings:meeting_list"))


def register_sections() -> None:
    register(HomeSection("meetings.on_duty", "今日坐班问题清单", "meetings/home/_on_duty.html", on_duty_today,
                         empty="您今天坐班，所分管单位没有未解决的问题。坐班中发现的问题可在坐班页面记录决定。",
                         order=35, icon="bi-person-workspace"))
    register(HomeSection("meetings.referrals", "中心发现问题待我答复", "meetings/home/_referrals.html",
                         referrals_to_answer,
                         empty="中心在坐班、值班中发现本单位人员的问题时会发到这里，请在期限内答复。",
                         order=45, icon="bi-arrow-left-right"))
    register(HomeSection("meetings.meetings", "待参加的协调会议", "meetings/home/_meetings.html", my_meetings,
                         empty="安排您参加的会议会出现在这里。", order=65, icon="bi-people"))
