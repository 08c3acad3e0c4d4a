"""Decision numbers (序号) claimed under concurrency: decisions recorded at the same moment on one meeting are
numbered 1, 2, 3 … — never two with the same number."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tongban.feedback.tests.concurrency import at_once
from tongban.meetings import services
from tongban.meetings.choices import MeetingKind
from tongban.meetings.models import Decision
from tongban.meetings.tests.conftest import DAY

pytestmark = pytest.mark.django_db(transaction=True)


def test_decisions_recorded_at_once_on_one_meeting_get_numbers_one_to_six(county, leaders, personas):
    meeting = services.schedule_meeting(kind=MeetingKind.RECTIFICATION, title="11月整改协调会", held_on=DAY,
                                        organiser=county.center, chair=leaders.director)
    _, errors = at_once(lambda i: services.add_meeting_decision(
        meeting, text=f"议定事项 {i}", unit=county.section, deadline=DAY + timedelta(days=30), today=DAY), count=6)
    assert errors == []
    assert sorted(Decision.objects.filter(meeting=meeting).values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
