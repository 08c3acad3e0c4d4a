"""The pages, persona by persona: who sees which rota day, sheet, referral and meeting; who may act; bad input
answered in Chinese; lists in a fixed number of queries."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tongban.meetings import services
from tongban.meetings.choices import MeetingKind, ReferralStatus
from tongban.meetings.models import Decision, DutyRota, Meeting, Referral

pytestmark = pytest.mark.django_db
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


EVERYONE = ["director", "rectification_office", "section_chief", "window_clerk", "township_admin",
            "other_township_admin", "inspector"]


@pytest.fixture
def samr_duty(leaders):
    return services.schedule_duty(leader=leaders.samr, duty_date=timezone.localdate())


@pytest.mark.parametrize("persona", EVERYONE)
def test_every_persona_opens_the_rota_the_referrals_and_the_meetings(client_for, personas, persona):
    client = client_for(getattr(personas, persona))
    for url in ("/meetings/duty/", "/meetings/referrals/", "/meetings/"):
        assert client.get(url).status_code == 200, url


def test_a_rota_day_is_seen_within_the_scope_of_its_unit_and_404_elsewhere(client_for, personas, samr_duty):
    url = samr_duty.get_absolute_url()
    for user, status in ((personas.director, 200), (personas.inspector, 200), (personas.rectification_office, 200),
                         (personas.section_chief, 404), (personas.township_admin, 404)):
        assert client_for(user).get(url).status_code == status, user


def test_the_office_arranges_the_rota_and_a_section_chief_may_not(client_for, personas, leaders):
    day = timezone.localdate() + timedelta(days=3)
    data = {"leader": leaders.samr.pk, "duty_date": day.isoformat()}
    assert client_for(personas.section_chief).post("/meetings/duty/", data).status_code == 403
    response = client_for(personas.rectification_office).post("/meetings/duty/", data)
    assert response.status_code == 302 and DutyRota.objects.filter(leader=leaders.samr, duty_date=day).exists()
    again = client_for(personas.rectification_office).post("/meetings/duty/", data)
    assert again.status_code == 200 and "已安排坐班，不能重复安排" in again.content.decode()


def test_a_month_that_is_not_a_month_is_answered_in_chinese(client_for, personas):
    response = client_for(personas.director).get("/meetings/duty/?month=2026-13", follow=True)
    assert response.status_code == 200 and "月份“2026-13”无效" in response.content.decode()


def test_the_leader_on_duty_decides_from_the_page_and_the_decision_opens_a_measure(client_for, leaders, personas, county):
    duty = services.schedule_duty(leader=leaders.deputy, duty_date=timezone.localdate())
    deadline = (timezone.localdate() + timedelta(days=10)).isoformat()
    data = {"action": "decide", "text": "三日内办结", "unit": county.section.pk, "deadline": deadline,
            "open_measure": "on", "problem_source": "超期办件", "problem_title": "A01 超期"}
    assert client_for(personas.director).get(duty.get_absolute_url()).status_code == 200
    client = client_for(leaders.deputy.user)
    assert client.post(duty.get_absolute_url(), data).status_code == 302
    decision = Decision.objects.get(duty=duty)
    assert decision.measure is not None and decision.problem_title == "A01 超期"
    page = client.get(duty.get_absolute_url()).content.decode()
    assert "三日内办结" in page and decision.measure.get_absolute_url() in page


def test_a_window_clerk_who_sees_the_day_may_not_decide_and_a_missing_deadline_keeps_the_input(client_for, leaders,
                                                                                               personas, county):
    duty = services.schedule_duty(leader=leaders.director, duty_date=timezone.localdate())
    data = {"action": "decide", "text": "交办整改", "unit": county.section.pk, "open_measure": "on"}
    assert client_for(personas.window_clerk).post(duty.get_absolute_url(), data).status_code == 403
    response = client_for(leaders.director.user).post(duty.get_absolute_url(), data)
    body = response.content.decode()
    assert response.status_code == 200 and "交办整改须填写完成时限" in body and "交办整改</textarea>" in body
    assert not Decision.objects.exists()


def test_the_problem_sheet_prints_as_a_docx(client_for, personas, samr_duty):
    response = client_for(personas.director).get(f"/meetings/duty/{samr_duty.pk}/sheet.docx")
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert response.content[:2] == b"PK"


def test_the_dispatching_units_leader_answers_from_the_page(client_for, personas, leaders, county):
    client = client_for(personas.inspector)
    reply_due = (timezone.localdate() + timedelta(days=3)).isoformat()
    assert client.post("/meetings/referrals/", {"unit": county.department.pk, "title": "午间离岗",
                                                "reply_due": reply_due}).status_code == 302
    referral = Referral.objects.get()
    assert client_for(personas.section_chief).get(referral.get_absolute_url()).status_code == 404
    assert client_for(personas.window_clerk).post(referral.get_absolute_url(), {"answer": "x"}).status_code == 404
    leader = client_for(leaders.samr.user)
    assert "answer-form" in leader.get(referral.get_absolute_url()).content.decode()
    assert leader.post(referral.get_absolute_url(), {"answer": "已约谈"}).status_code == 302
    assert Referral.objects.get().status == ReferralStatus.ANSWERED


def test_a_meeting_is_seen_by_its_attending_townships_and_not_by_the_others(client_for, personas, county, leaders):
    meeting = services.schedule_meeting(kind=MeetingKind.TOWNSHIP, title="基层延伸工作会议",
                                        held_on=timezone.localdate(), organiser=county.center, units=[county.township_a])
    url = meeting.get_absolute_url()
    assert client_for(personas.township_admin).get(url).status_code == 200
    assert client_for(personas.other_township_admin).get(url).status_code == 404
    assert client_for(personas.township_admin).post(url, {"action": "issue"}).status_code == 403
    docx = client_for(personas.township_admin).get(f"{url}minutes.docx")
    assert docx.status_code == 200 and docx["Content-Type"] == DOCX


def test_the_office_schedules_a_meeting_writes_the_minutes_adds_a_decision_and_issues_them(client_for, personas,
                                                                                          county, leaders):
    client = client_for(personas.rectification_office)
    today = timezone.localdate()
    response = client.post("/meetings/", {"kind": MeetingKind.RECTIFICATION, "title": "整改协调会",
                                          "held_on": today.isoformat(), "units": [county.section.pk],
                                          "attendees": [leaders.deputy.pk]})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    url = meeting.get_absolute_url()
    assert client.post(url, {"action": "minutes", "minutes": "会议听取了汇报。", "version": meeting.version}).status_code == 302
    assert client.post(url, {"action": "decide", "text": "完成授权", "unit": county.section.pk,
                             "deadline": (today + timedelta(days=20)).isoformat()}).status_code == 302
    assert client.post(url, {"action": "issue"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "issued" and meeting.decisions.get().measure is not None
    assert "纪要已印发" in client.get(url).content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_lists_take_the_same_number_of_queries_for_two_rows_or_six(client_for, personas, leaders, county):
    client = client_for(personas.director)
    today = timezone.localdate()

    def add(offset: int):
        for leader in (leaders.deputy, leaders.samr):
            duty = services.schedule_duty(leader=leader, duty_date=today.replace(day=1) + timedelta(days=offset))
            services.record_duty_decision(duty, text="x", unit=county.section)
        services.schedule_meeting(kind=MeetingKind.RECTIFICATION, title=f"会{offset}", held_on=today,
                                  organiser=county.center, units=[county.section])
        services.send_referral(unit=county.department, title=f"问题{offset}", reply_due=today)

    add(0)
    [_queries(client, url) for url in ("/meetings/duty/", "/meetings/", "/meetings/referrals/")]  # warm the caches
    few = [_queries(client, url) for url in ("/meetings/duty/", "/meetings/", "/meetings/referrals/")]
    add(1)
    add(2)
    assert [_queries(client, url) for url in ("/meetings/duty/", "/meetings/", "/meetings/referrals/")] == few


def test_the_home_page_shows_the_leader_on_duty_the_answering_leader_and_the_attendee_their_lines(
        client_for, leaders, county, overdue_measure):
    today = timezone.localdate()
    services.schedule_duty(leader=leaders.deputy, duty_date=today)
    services.send_referral(unit=county.department, title="午间离岗问题", reply_due=today)
    services.schedule_meeting(kind=MeetingKind.RECTIFICATION, title="下周整改协调会", held_on=today + timedelta(days=7),
                              organiser=county.center, attendees=[leaders.samr])
    deputy_home = client_for(leaders.deputy.user).get("/workbench/").content.decode()
    assert "今日坐班问题清单" in deputy_home and "规范窗口收件" in deputy_home
    samr_home = client_for(leaders.samr.user).get("/workbench/").content.decode()
    assert "午间离岗问题" in samr_home and "下周整改协调会" in samr_home
    assert "今日坐班问题清单" not in samr_home


def test_a_problem_link_that_is_not_a_page_of_the_platform_is_refused(client_for, leaders, county):
    duty = services.schedule_duty(leader=leaders.director, duty_date=timezone.localdate())
    client = client_for(leaders.director.user)
    data = {"action": "decide", "text": "三日内办结", "unit": county.section.pk, "problem_source": "超期办件",
            "problem_title": "A01 超期"}
    for url in ("javascript:alert(document.cookie)", "//evil.example/x", "https://evil.example/", "/no-such-page/"):
        response = client.post(duty.get_absolute_url(), {**data, "problem_url": url})
        assert response.status_code == 200 and "问题链接无效" in response.content.decode(), url
    assert not Decision.objects.exists()
    assert client.post(duty.get_absolute_url(), {**data, "problem_url": duty.get_absolute_url()}).status_code == 302
    assert Decision.objects.get().problem_url == duty.get_absolute_url()


def test_an_attendee_from_a_unit_not_listed_opens_the_meeting(client_for, county, leaders, personas):
    meeting = services.schedule_meeting(kind=MeetingKind.TOWNSHIP, title="基层延伸工作会议", held_on=timezone.localdate(),
                                        organiser=county.center, units=[county.township_a], attendees=[leaders.samr])
    assert client_for(leaders.samr.user).get(meeting.get_absolute_url()).status_code == 200
    assert client_for(personas.other_township_admin).get(meeting.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "10000-01", "0000-05"])
def test_a_month_at_either_end_of_the_calendar_is_answered_in_chinese(client_for, api_for, personas, month):
    response = client_for(personas.director).get(f"/meetings/duty/?month={month}", follow=True)
    assert response.status_code == 200 and f"月份“{month}”无效" in response.content.decode()
    api = api_for(personas.director).get(f"/api/v1/duty-rota/statistics/?month={month}")
    assert api.status_code == 400 and f"月份“{month}”无效" in api.content.decode()


def test_the_duty_sheet_shows_a_reader_only_the_problems_of_units_in_their_scope(client_for, leaders, personas,
                                                                                  overdue_measure):
    """The director's sheet covers the whole centre; a window clerk who may open the day sees no row of 市场准入股
    (outside their scope), on the page and in the printed sheet."""
    duty = services.schedule_duty(leader=leaders.director, duty_date=timezone.localdate())
    assert "规范窗口收件" in client_for(personas.director).get(duty.get_absolute_url()).content.decode()
    page = client_for(personas.window_clerk).get(duty.get_absolute_url())
    assert page.status_code == 200 and "规范窗口收件" not in page.content.decode()
    from tongban.meetings import selectors

    assert selectors.duty_sheet(duty, reader=personas.window_clerk).count == 0
    assert selectors.duty_sheet(duty, reader=personas.director).count == 1


def test_the_agenda_and_the_pickers_hold_only_what_the_reader_may_see(client_for, leaders, personas, county):
    """A meeting of two townships: each township admin's agenda lists their own township's problems only, and a
    leader on duty picks units and people within their own scope."""
    from tongban.meetings import selectors
    from tongban.meetings.forms import DutyDecisionForm, MeetingDecisionForm
    from tongban.rectification.choices import SourceKind
    from tongban.rectification.services import create_measure

    for unit, text in ((county.township_a, "城关镇整改"), (county.township_b, "王村乡整改")):
        create_measure(text=text, lead_unit=unit, source_kind=SourceKind.OVERDUE_CASE,
                       deadline=timezone.localdate() - timedelta(days=10), by=personas.rectification_office)
    meeting = services.schedule_meeting(kind=MeetingKind.TOWNSHIP, title="基层延伸工作会议", held_on=timezone.localdate(),
                                        organiser=county.center, units=[county.township_a, county.township_b])
    body = client_for(personas.township_admin).get(meeting.get_absolute_url()).content.decode()
    assert "城关镇整改" in body and "王村乡整改" not in body
    assert selectors.agenda(meeting, reader=personas.director).sheet.count == 2
    samr = leaders.samr.user
    units = set(DutyDecisionForm(user=samr).fields["unit"].queryset)
    assert units == {county.department}
    people = set(MeetingDecisionForm(user=personas.township_admin).fields["owner"].queryset)
    assert people and {p.unit for p in people} <= {county.township_a, county.village_a}
