"""The read-only API: the same scope as the pages, the statistics from the page's selector, Chinese errors."""
from __future__ import annotations

import pytest
from django.utils import timezone

from tongban.meetings import services
from tongban.meetings.choices import Attendance, MeetingKind

pytestmark = pytest.mark.django_db


def test_the_rota_and_its_statistics_follow_the_callers_scope(api_for, personas, leaders):
    today = timezone.localdate()
    duty = services.schedule_duty(leader=leaders.samr, duty_date=today)
    services.record_attendance(duty, attendance=Attendance.PRESENT, today=today)
    director = api_for(personas.director)
    assert [row["leader_name"] for row in director.get("/api/v1/duty-rota/").json()["results"]] == ["吴局长"]
    stats = director.get(f"/api/v1/duty-rota/statistics/?month={today:%Y-%m}").json()
    assert stats["by_leader"][0]["present"] == 1 and stats["by_unit"][0]["unit__name"] == "县市场监管局"
    assert api_for(personas.section_chief).get("/api/v1/duty-rota/").json()["results"] == []
    assert api_for(personas.section_chief).get(f"/api/v1/duty-rota/{duty.pk}/").status_code == 404
    bad = director.get("/api/v1/duty-rota/statistics/?month=十一月")
    assert bad.status_code == 400 and "月份“十一月”无效" in bad.content.decode()


def test_a_meeting_comes_with_its_decisions_and_stays_out_of_other_townships(api_for, personas, county):
    meeting = services.schedule_meeting(kind=MeetingKind.TOWNSHIP, title="基层延伸工作会议",
                                        held_on=timezone.localdate(), organiser=county.center, units=[county.township_a])
    services.add_meeting_decision(meeting, text="统一窗口设置", unit=county.township_a,
                                  deadline=timezone.localdate())
    body = api_for(personas.township_admin).get(f"/api/v1/meetings/{meeting.pk}/").json()
    assert body["decisions"][0]["text"] == "统一窗口设置" and body["decisions"][0]["measure"]
    assert api_for(personas.other_township_admin).get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
