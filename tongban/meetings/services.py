"""Every write of 领导坐班 and the coordination meetings: named, atomic, with a domain event, notifying on commit.

A decision that needs lasting work opens its measure through `rectification.services.create_measure`, with the
decision as the measure's source: the loop is the one closed loop (ROADMAP X1), nothing is tracked twice.
"""
from __future__ import annotations

from datetime import date
from textwrap import shorten
from typing import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from tongban.core.services import update_versioned
from tongban.history.services import record_event
from tongban.meetings.choices import Attendance, MeetingStatus, ReferralStatus
from tongban.meetings.error_codes import MeetingsError, meetings_error
from tongban.meetings.models import Decision, DutyRota, Meeting, Referral
from tongban.meetings.rules import answers_for_unit
from tongban.org.choices import Role
from tongban.org.models import Staff, Unit
from tongban.rectification.choices import SourceKind


def _notify_on_commit(user_ids: Iterable[int], *, title: str, body: str = "", link: str = "", code: str,
                      dedupe_key: str) -> None:
    recipients = sorted({pk for pk in user_ids if pk})
    if not recipients:
        return

    def send() -> None:
        from tongban.notifications.services import notify

        notify(recipients, title=title, body=body, link=link, code=code, dedupe_key=dedupe_key)

    transaction.on_commit(send)


# --- 领导坐班 ------------------------------------------------------------------------------------------

@transaction.atomic
def schedule_duty(*, leader: Staff, duty_date: date, note: str = "", by=None) -> DutyRota:
    """Put a leader (of the centre or of a stationed unit) on the rota for one day."""
    if not leader.is_leader:
        raise meetings_error(MeetingsError.NOT_A_LEADER, name=leader.name)
    if DutyRota.objects.filter(leader=leader, duty_date=duty_date).exists():
        raise meetings_error(MeetingsError.DUTY_TWICE, name=leader.name, day=duty_date)
    duty = DutyRota.objects.create(leader=leader, unit_id=leader.unit_id, duty_date=duty_date, note=note.strip(),
                                   recorded_by=by)
    record_event(duty, "meetings.duty.scheduled", f"安排{leader.name}于 {duty_date} 坐班", by=by)
    _notify_on_commit([leader.user_id], title=f"坐班安排：{duty_date:%Y年%m月%d日}",
                      body="当天请到政务服务大厅坐班，问题清单在坐班页面查看和打印。", link=duty.get_absolute_url(),
                      code="meetings.duty_scheduled", dedupe_key=f"meetings.duty_scheduled:{duty.pk}")
    return duty


@transaction.atomic
def record_attendance(duty: DutyRota, *, attendance: str, note: str = "", by=None,
                      today: date | None = None) -> DutyRota:
    """到岗情况 of a rota day, recorded on the day or after."""
    today = today or timezone.localdate()
    if attendance != Attendance.SCHEDULED and duty.duty_date > today:
        raise meetings_error(MeetingsError.ATTENDANCE_TOO_EARLY, day=duty.duty_date)
    current = DutyRota.objects.select_for_update().get(pk=duty.pk)
    current.attendance = Attendance(attendance)
    if note:
        current.note = note.strip()[:200]
    current.recorded_by = by
    current.save(update_fields=["attendance", "note", "recorded_by", "updated_at"])
    record_event(current, "meetings.duty.attendance", f"登记到岗情况：{current.get_attendance_display()}", by=by)
    return current


def _next_number(**origin) -> int:
    """The next 序号 of a rota day's or a meeting's decisions. The duty's or meeting's row is the sequence row:
    locked (SELECT … FOR UPDATE) until the decision commits, so two decisions recorded at once get 1 and 2,
    never both the same max()+1."""
    (owner,) = origin.values()
    type(owner).objects.select_for_update().filter(pk=owner.pk).values_list("pk", flat=True).get()
    return (Decision.objects.filter(**origin).aggregate(n=Max("number"))["n"] or 0) + 1


def _check_decision(text: str, deadline: date | None, not_before: date, *, needs_deadline: bool) -> str:
    text = (text or "").strip()
    if not text:
        raise meetings_error(MeetingsError.TEXT_REQUIRED)
    if needs_deadline and deadline is None:
        raise meetings_error(MeetingsError.DEADLINE_REQUIRED)
    if deadline is not None and deadline < not_before:
        raise meetings_error(MeetingsError.DEADLINE_BEFORE, deadline=deadline, day=not_before)
    return text


def _open_measure(decision: Decision, *, source_kind: str, leader: Staff | None, by) -> None:
    from tongban.rectification.services import create_measure

    decision.measure = create_measure(
        text=decision.text, lead_unit=decision.unit, source_kind=source_kind, source=decision,
        deadline=decision.deadline, responsible_person=decision.owner, responsible_leader=leader, by=by)
    decision.save(update_fields=["measure", "updated_at"])


@transaction.atomic
def record_duty_decision(duty: DutyRota, *, text: str, unit: Unit, owner: Staff | None = None,
                         deadline: date | None = None, open_measure: bool = False, problem_source: str = "",
                         problem_title: str = "", problem_url: str = "", by=None) -> Decision:
    """What the leader on duty decided about a problem on the sheet (or one raised in the hall). With
    `open_measure` it is 交办整改: a measure in the rectification loop, owned and due, whose source is this."""
    if by is not None and not by.has_perm("meetings.decide_on_duty", duty):
        raise meetings_error(MeetingsError.NOT_ON_DUTY, name=duty.leader.name)
    text = _check_decision(text, deadline, duty.duty_date, needs_deadline=open_measure)
    decision = Decision.objects.create(
        duty=duty, number=_next_number(duty=duty), text=text, unit=unit, owner=owner, deadline=deadline,
        problem_source=problem_source[:40], problem_title=problem_title[:200], problem_url=problem_url[:200],
        decided_by=by)
    if open_measure:
        _open_measure(decision, source_kind=SourceKind.DUTY_DECISION, leader=duty.leader, by=by)
    record_event(duty, "meetings.duty.decided", f"坐班决定：{shorten(text, 80)}"
                 + ("（已交办整改）" if decision.measure_id else ""), by=by)
    return decision


# --- 问题互通 (two-way channel with the dispatching unit's leader) ---------------------------------------

def unit_leader(unit: Unit) -> Staff | None:
    """The leader who answers for a unit: one of its own leaders, else a leader in charge of it (分管)."""
    own = Staff.objects.filter(unit=unit, is_leader=True, is_active=True).order_by("staff_no").first()
    if own is not None:
        return own
    return Staff.objects.filter(units_in_charge=unit, is_leader=True, is_active=True).order_by("staff_no").first()


def _unit_answerers(unit: Unit) -> list[int]:
    """Logins of the people who may answer for a unit: its leaders and heads."""
    return list(get_user_model().objects.filter(
        Q(staff__is_leader=True) | Q(staff__role__in=[Role.UNIT_HEAD, Role.TOWNSHIP_ADMIN]),
        is_active=True, staff__is_active=True, staff__unit=unit).values_list("pk", flat=True))


@transaction.atomic
def send_referral(*, unit: Unit, title: str, reply_due: date, description: str = "", duty: DutyRota | None = None,
                  by=None, today: date | None = None) -> Referral:
    """Send a problem the centre found to the leader of the unit that dispatched the staff concerned."""
    today = today or timezone.localdate()
    title = (title or "").strip()
    if not title:
        raise meetings_error(MeetingsError.TITLE_REQUIRED)
    if reply_due < today:
        raise meetings_error(MeetingsError.REPLY_DUE_PAST, day=reply_due)
    leader = unit_leader(unit)
    if leader is None:
        raise meetings_error(MeetingsError.NO_LEADER, unit=unit.name)
    referral = Referral.objects.create(unit=unit, leader=leader, title=title[:200], description=description.strip(),
                                       reply_due=reply_due, duty=duty, sent_by=by)
    record_event(referral, "meetings.referral.sent", f"发送给{unit.name}（{leader.name}），{reply_due} 前答复", by=by)
    _notify_on_commit([leader.user_id, *_unit_answerers(unit)], title=f"中心发现问题，请答复：{shorten(title, 40)}",
                      body=f"请于 {reply_due} 前答复。{shorten(description, 160)}", link=referral.get_absolute_url(),
                      code="meetings.referral_sent", dedupe_key=f"meetings.referral_sent:{referral.pk}")
    return referral


@transaction.atomic
def answer_referral(referral: Referral, *, answer: str, by, today: date | None = None) -> Referral:
    """The dispatching unit's answer; it goes back to whoever sent the problem."""
    answer = (answer or "").strip()
    if not answers_for_unit(by, referral):
        raise meetings_error(MeetingsError.NOT_RECIPIENT, unit=referral.unit.name)
    if not answer:
        raise meetings_error(MeetingsError.ANSWER_REQUIRED)
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status != ReferralStatus.WAITING:
        raise meetings_error(MeetingsError.ALREADY_ANSWERED, day=current.answered_on)
    current.status = ReferralStatus.ANSWERED
    current.answer = answer[:2000]
    current.answered_on = today or timezone.localdate()
    current.answered_by = by
    current.save(update_fields=["status", "answer", "answered_on", "answered_by", "updated_at"])
    record_event(current, "meetings.referral.answered", f"答复：{shorten(answer, 80)}", by=by)
    _notify_on_commit([current.sent_by_id], title=f"{current.unit.name}已答复：{shorten(current.title, 40)}",
                      body=shorten(answer, 200), link=current.get_absolute_url(), code="meetings.referral_answered",
                      dedupe_key=f"meetings.referral_answered:{current.pk}")
    return current


# --- 协调会议 ------------------------------------------------------------------------------------------

@transaction.atomic
def schedule_meeting(*, kind: str, title: str, held_on: date, organiser: Unit, units: Iterable[Unit] = (),
                     attendees: Iterable[Staff] = (), place: str = "", chair: Staff | None = None,
                     by=None) -> Meeting:
    """A coordination meeting on the calendar with its attending units and people, who are told."""
    title = (title or "").strip()
    if not title:
        raise meetings_error(MeetingsError.TITLE_MISSING)
    meeting = Meeting.objects.create(kind=kind, title=title[:120], held_on=held_on, organiser=organiser,
                                     place=place.strip()[:100], chair=chair)
    meeting.units.set(list(units))
    attendees = list(attendees)
    meeting.attendees.set(attendees)
    record_event(meeting, "meetings.meeting.scheduled", f"安排{meeting.get_kind_display()}，{held_on} 召开", by=by)
    _notify_on_commit([person.user_id for person in attendees], title=f"会议通知：{meeting.title}",
                      body=f"{held_on:%Y年%m月%d日}{('，' + meeting.place) if meeting.place else ''}。议程见会议页面。",
                      link=meeting.get_absolute_url(), code="meetings.meeting_scheduled",
                      dedupe_key=f"meetings.meeting_scheduled:{meeting.pk}")
    return meeting


def _check_open(meeting: Meeting, today: date) -> None:
    if meeting.status == MeetingStatus.ISSUED:
        raise meetings_error(MeetingsError.ALREADY_ISSUED, day=meeting.issued_on)
    if meeting.held_on > today:
        raise meetings_error(MeetingsError.NOT_YET_HELD, day=meeting.held_on)


def record_minutes(meeting: Meeting, *, minutes: str, expected_version: int | None, by=None,
                   today: date | None = None) -> Meeting:
    """The minutes' text, written from the meeting page once the meeting is held."""
    with transaction.atomic():
        _check_open(meeting, today or timezone.localdate())
        meeting = update_versioned(meeting, expected_version=expected_version,
                                   changes={"minutes": (minutes or "").strip(), "status": MeetingStatus.HELD})
        record_event(meeting, "meetings.meeting.minutes", "记录会议纪要", by=by)
    return meeting


@transaction.atomic
def add_meeting_decision(meeting: Meeting, *, text: str, unit: Unit, deadline: date | None,
                         owner: Staff | None = None, by=None, today: date | None = None) -> Decision:
    """One 议定事项: it becomes a measure (owner, deadline) in the rectification loop, source = this decision."""
    _check_open(meeting, today or timezone.localdate())
    text = _check_decision(text, deadline, meeting.held_on, needs_deadline=True)
    decision = Decision.objects.create(meeting=meeting, number=_next_number(meeting=meeting), text=text, unit=unit,
                                       owner=owner, deadline=deadline, decided_by=by)
    _open_measure(decision, source_kind=SourceKind.MEETING_DECISION, leader=meeting.chair, by=by)
    if meeting.status == MeetingStatus.SCHEDULED:
        meeting.status = MeetingStatus.HELD  # saved, so the change log has it (who, 已安排 → 已召开)
        meeting.save(update_fields=["status", "updated_at"])
    record_event(meeting, "meetings.meeting.decided", f"议定事项{decision.number}：{shorten(text, 80)}", by=by)
    return decision


@transaction.atomic
def issue_minutes(meeting: Meeting, *, by=None, on: date | None = None) -> Meeting:
    """印发纪要: the minutes are final; the 公文 is generated from them (meetings.minutes)."""
    on = on or timezone.localdate()
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_open(current, on)
    if not current.minutes.strip():
        raise meetings_error(MeetingsError.MINUTES_REQUIRED)
    current.status = MeetingStatus.ISSUED
    current.issued_on = on
    current.version += 1
    current.save(update_fields=["status", "issued_on", "version", "updated_at"])
    record_event(current, "meetings.meeting.issued", f"印发会议纪要（议定事项 {current.decisions.count()} 项）", by=by)
    _notify_on_commit(current.attendees.values_list("user_id", flat=True), title=f"会议纪要已印发：{current.title}",
                      link=current.get_absolute_url(), code="meetings.minutes_issued",
                      dedupe_key=f"meetings.minutes_issued:{current.pk}")
    return current


def hand_out_sheets(day: date) -> dict:
    """分送问题台账: on the rota day, each leader on duty gets their problem sheet in the inbox (count, the oldest
    problem, the link to the page and the print). Idempotent per duty day (the dedupe key); a leader on leave is
    not sent one. A day has a handful of leaders, so one sheet each is fine."""
    from tongban.meetings.selectors import duty_sheet
    from tongban.notifications.services import notify

    sent = 0
    duties = DutyRota.objects.filter(duty_date=day).exclude(attendance=Attendance.EXCUSED).select_related("leader", "unit")
    for duty in duties:
        if not duty.leader.user_id:
            continue
        sheet = duty_sheet(duty)
        oldest = f"最早的一项：{sheet.problems[0].source}，{sheet.problems[0].title}。" if sheet.count else ""
        sent += notify([duty.leader.user_id], title=f"今日坐班问题清单：{sheet.count} 项待解决",
                       body=f"{oldest}请在坐班页面查看、打印并记录处理意见。", link=duty.get_absolute_url(),
                       code="meetings.duty_sheet", dedupe_key=f"meetings.duty_sheet:{duty.pk}")
    return {"duties": len(duties), "sent": sent}
