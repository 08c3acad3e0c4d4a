"""Coordination meetings through their services: attendees told, the agenda from the attending units' problems,
decisions as measures in the one loop, the next meeting opening with what is not done, the minutes as a 公文."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from tongban.meetings import printing, selectors, services
from tongban.meetings.choices import MeetingKind, MeetingStatus
from tongban.meetings.tests.conftest import DAY
from tongban.notifications.models import Notification
from tongban.rectification.choices import MeasureStatus, SourceKind
from tongban.rectification.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(county, leaders, personas):
    return services.schedule_meeting(
        kind=MeetingKind.RECTIFICATION, title="11月整改协调会", held_on=DAY, organiser=county.center,
        units=[county.section, county.township_a], attendees=[leaders.deputy, leaders.samr], place="三楼会议室",
        chair=leaders.director, by=personas.rectification_office)


def test_the_attendees_are_told_of_the_meeting(county, leaders, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_meeting(kind=MeetingKind.TOWNSHIP, title="基层延伸工作会议", held_on=DAY,
                                  organiser=county.center, attendees=[leaders.samr], by=personas.rectification_office)
    assert Notification.objects.filter(recipient=leaders.samr.user, code="meetings.meeting_scheduled").count() == 1


def test_the_agenda_lists_the_open_problems_of_the_attending_units(meeting, overdue_measure):
    agenda = selectors.agenda(meeting)
    assert agenda.carried == []
    assert [(p.source, unit) for p, unit in agenda.sheet.rows()] == [("超期整改措施", "市场准入股")]


def test_each_decision_becomes_a_measure_with_its_owner_and_deadline(meeting, county, leaders, personas):
    decision = services.add_meeting_decision(meeting, text="完成窗口授权", unit=county.section, owner=leaders.deputy,
                                             deadline=DAY + timedelta(days=30), by=personas.rectification_office,
                                             today=DAY)
    measure = Measure.objects.get(pk=decision.measure_id)
    assert (measure.source_kind, measure.source, measure.responsible_person, measure.deadline) == (
        SourceKind.MEETING_DECISION, decision, leaders.deputy, DAY + timedelta(days=30))
    assert measure.responsible_leader == leaders.director
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    from auditlog.models import LogEntry

    # The status change is in the change log (a bulk update would leave none).
    updates = LogEntry.objects.get_for_object(meeting).filter(action=LogEntry.Action.UPDATE)
    assert updates.filter(changes__icontains="status").exists()
    with pytest.raises(ValidationError, match="完成时限"):
        services.add_meeting_decision(meeting, text="x", unit=county.section, deadline=None, today=DAY)


def test_the_next_meeting_opens_with_the_decisions_not_yet_done(meeting, county, personas):
    done = services.add_meeting_decision(meeting, text="已完成的事项", unit=county.section, deadline=DAY, today=DAY)
    undone = services.add_meeting_decision(meeting, text="未完成的事项", unit=county.township_a, deadline=DAY, today=DAY)
    Measure.objects.filter(pk=done.measure_id).update(status=MeasureStatus.VERIFIED)  # signed off in the loop
    following = services.schedule_meeting(kind=MeetingKind.RECTIFICATION, title="12月整改协调会",
                                          held_on=date(2026, 12, 21), organiser=county.center)
    other_kind = services.schedule_meeting(kind=MeetingKind.TOWNSHIP, title="基层延伸", held_on=date(2026, 12, 21),
                                           organiser=county.center)
    assert selectors.agenda(following).carried == [undone]
    assert selectors.agenda(other_kind).carried == []


def test_minutes_wait_for_the_meeting_and_are_final_once_issued(meeting, county):
    with pytest.raises(ValidationError, match="召开之后"):
        services.record_minutes(meeting, minutes="x", expected_version=meeting.version, today=DAY - timedelta(days=1))
    with pytest.raises(ValidationError, match="先填写会议纪要"):
        services.issue_minutes(meeting, on=DAY)
    meeting = services.record_minutes(meeting, minutes="会议听取了整改进展。", expected_version=meeting.version, today=DAY)
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.record_minutes(meeting, minutes="旧版本", expected_version=meeting.version - 1, today=DAY)
    issued = services.issue_minutes(meeting, on=DAY)
    assert (issued.status, issued.issued_on) == (MeetingStatus.ISSUED, DAY)
    with pytest.raises(ValidationError, match="已于 2026-11-23 印发"):
        services.add_meeting_decision(issued, text="x", unit=county.section, deadline=DAY, today=DAY)


def test_the_minutes_print_per_gbt_9704_with_libreoffice(meeting, county, overdue_measure, tmp_path):
    from tongban.documents.tests.rendering import near_empty_pages, page_texts, render_pdfs

    meeting = services.record_minutes(meeting, minutes="会议听取了巡察整改进展汇报。\n会议要求各单位对照负面清单整改。",
                                      expected_version=meeting.version, today=DAY)
    for number in range(1, 9):
        services.add_meeting_decision(meeting, text=f"第{number}项议定事项：各单位按期完成窗口授权并报中心备案",
                                      unit=county.section, deadline=DAY + timedelta(days=number), today=DAY)
    path = tmp_path / "minutes.docx"
    path.write_bytes(printing.minutes_document(meeting, selectors.agenda(meeting)))
    [pdf] = render_pdfs([path], tmp_path)
    pages = page_texts(pdf)
    text = "".join("".join(line.split()) for page in pages for line in page)
    assert "11月整改协调会纪要" in text
    assert "第8项议定事项" in text and "超期整改措施1项" in text
    assert near_empty_pages([len(page) for page in pages]) == []
