"""日监测、周提醒、月通报: the jobs run through the real job runner, and are idempotent themselves
(a forced second run for the same period records and notifies nothing twice)."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine

from tongban.history.models import DomainEvent
from tongban.jobs.services import run_job
from tongban.notifications.models import Notification
from tongban.rectification import services
from tongban.rectification.models import Bulletin, Measure
from tongban.rectification.tests.conftest import upload

pytestmark = pytest.mark.django_db


def run(name, day, capture, *, force=False):
    with capture(execute=True):
        return run_job(name, day, trigger="cli", force=force)


def overdue_events(measure=None):
    events = DomainEvent.objects.filter(code="rectification.measure.overdue")
    return events.filter(object_id=str(measure.pk)) if measure else events


def test_detect_overdue_records_each_overdue_measure_once_and_tells_its_unit(
        ledger, personas, django_capture_on_commit_callbacks):
    # Deadline 2023-09-30 is in the National Day holiday: due 10-07, overdue from 10-08.
    first = run("rectification.detect_overdue", date(2023, 10, 8), django_capture_on_commit_callbacks)
    assert first.status == "succeeded" and first.result["recorded"] == 1
    assert overdue_events(ledger.section_measure).count() == 1
    chief_messages = Notification.objects.filter(recipient=personas.section_chief, code="rectification.measure.overdue")
    assert chief_messages.count() == 1

    again = run("rectification.detect_overdue", date(2023, 10, 8), django_capture_on_commit_callbacks, force=True)
    assert again.result["recorded"] == 0
    next_day = run("rectification.detect_overdue", date(2023, 10, 9), django_capture_on_commit_callbacks)
    assert next_day.result == {"overdue": 1, "overdue_ongoing": 0, "recorded": 0}
    assert overdue_events().count() == 1 and chief_messages.count() == 1


def test_a_new_deadline_that_passes_again_is_recorded_again(ledger, django_capture_on_commit_callbacks):
    run("rectification.detect_overdue", date(2023, 10, 8), django_capture_on_commit_callbacks)
    services.update_measure(ledger.section_measure, expected_version=None, deadline=date(2023, 10, 13))
    run("rectification.detect_overdue", date(2023, 10, 14), django_capture_on_commit_callbacks)
    assert overdue_events(ledger.section_measure).count() == 2


def test_a_verified_measure_is_not_reported_overdue(ledger, django_capture_on_commit_callbacks):
    services.add_progress(ledger.section_measure, text="x", files=[upload("a.pdf")])
    services.submit_for_signoff(ledger.section_measure)
    services.verify_measure(ledger.section_measure)
    result = run("rectification.detect_overdue", date(2023, 11, 1), django_capture_on_commit_callbacks).result
    assert not overdue_events(ledger.section_measure).exists()
    assert result["recorded"] == 2  # the two township measures due 2023-10-31


def test_weekly_reminders_reach_each_lead_unit_once_a_week(ledger, personas, django_capture_on_commit_callbacks):
    monday = date(2023, 10, 9)
    first = run("rectification.weekly_reminders", monday, django_capture_on_commit_callbacks)
    assert first.result["units"] == 4  # 市场准入股, 城关镇, 王村乡, the centre
    reminders = Notification.objects.filter(code="rectification.weekly_reminder")
    township = reminders.get(recipient=personas.township_admin)
    # 城关镇 leads one measure and supports another: both are its to push.
    assert "2 项整改措施尚未销号" in township.title and "牵头 1 项，协调或配合 1 项" in township.body
    count = reminders.count()
    again = run("rectification.weekly_reminders", monday, django_capture_on_commit_callbacks, force=True)
    assert again.result["messages"] == 0 and reminders.count() == count
    run("rectification.weekly_reminders", date(2023, 10, 16), django_capture_on_commit_callbacks)
    assert reminders.filter(recipient=personas.township_admin).count() == 2


def test_weekly_reminders_go_by_email_too(ledger, county, mailoutbox, django_capture_on_commit_callbacks):
    from tongban.org import services as org_services

    org_services.create_staff(staff_no="w1", name="郑专员", unit=county.township_b, username="w1",
                              email="w1@example.com")
    run("rectification.weekly_reminders", date(2023, 10, 9), django_capture_on_commit_callbacks)
    assert any("w1@example.com" in mail.to for mail in mailoutbox)


def backdate_measures(when: str) -> None:
    """The ledger fixture is built today; the bulletins report on 2023, when the measures were made."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    Measure.objects.update(created_at=datetime.fromisoformat(when).replace(tzinfo=ZoneInfo("Asia/Shanghai")))


def test_the_monthly_bulletin_is_stored_once_and_reconciles(ledger, personas, django_capture_on_commit_callbacks):
    backdate_measures("2023-07-01 09:00")
    with time_machine.travel("2023-11-15 10:00 +0800"):
        services.add_progress(ledger.section_measure, text="x", files=[upload("a.pdf")])
        services.submit_for_signoff(ledger.section_measure)
        services.verify_measure(ledger.section_measure)
    first = run("rectification.monthly_bulletin", date(2023, 12, 1), django_capture_on_commit_callbacks)
    bulletin = Bulletin.objects.get()
    assert bulletin.month == date(2023, 11, 1)
    figures = bulletin.summary
    assert figures["verified"] + figures["ongoing"] + figures["open"] == figures["total"] == 4
    assert figures["overdue"] == 2
    assert "全县共有整改措施4项" in bulletin.text
    assert first.result["created"] is True
    again = run("rectification.monthly_bulletin", date(2023, 12, 1), django_capture_on_commit_callbacks, force=True)
    assert again.result["created"] is False and Bulletin.objects.count() == 1
    assert Notification.objects.filter(code="rectification.bulletin", recipient=personas.rectification_office).count() == 1


def test_the_bulletin_page_is_for_county_wide_roles(ledger, personas, client_for):
    services.publish_monthly_bulletin(date(2023, 11, 1))
    assert "2023年11月整改工作通报" in client_for(personas.director).get("/rectification/bulletins/").content.decode()
    assert "2023年11月整改工作通报" not in client_for(personas.township_admin).get("/rectification/bulletins/").content.decode()


def test_unrelated_measures_stay_untouched_by_the_daily_job(ledger, django_capture_on_commit_callbacks):
    versions = dict(Measure.objects.values_list("pk", "version"))
    run("rectification.detect_overdue", date(2023, 11, 1), django_capture_on_commit_callbacks)
    assert dict(Measure.objects.values_list("pk", "version")) == versions


def test_detect_overdue_sends_one_grouped_message_per_person_per_day(
        ledger, personas, county, django_capture_on_commit_callbacks):
    services.create_measure(finding=ledger.problem, text="第二项逾期措施", lead_unit=county.section,
                            deadline=date(2023, 10, 31))
    run("rectification.detect_overdue", date(2023, 11, 1), django_capture_on_commit_callbacks)
    messages = Notification.objects.filter(recipient=personas.section_chief, code="rectification.measure.overdue")
    assert messages.count() == 1
    message = messages.get()
    assert "2 项整改措施已逾期" in message.title
    assert "制定年度工作方案" in message.body and "第二项逾期措施" in message.body
    township = Notification.objects.get(recipient=personas.township_admin, code="rectification.measure.overdue")
    assert "1 项" in township.title and "规范乡镇便民服务中心运行" in township.body
    assert overdue_events().count() == 4  # section ×2, both townships; the ongoing measure is not due yet


def test_the_bulletin_counts_as_of_the_months_end(ledger, county, personas):
    backdate_measures("2023-07-01 09:00")
    with time_machine.travel("2023-12-05 10:00 +0800"):
        services.create_measure(finding=ledger.problem, text="十二月新增", lead_unit=county.section,
                                deadline=date(2024, 1, 31))
        services.add_progress(ledger.section_measure, text="x", files=[upload("a.pdf")])
        services.submit_for_signoff(ledger.section_measure, by=personas.section_chief)
        services.verify_measure(ledger.section_measure, by=personas.rectification_office)
    bulletin, _ = services.publish_monthly_bulletin(date(2023, 11, 1), today=date(2023, 12, 1))
    figures = bulletin.summary
    assert figures["total"] == 4  # the December measure did not exist yet
    assert figures["verified"] == 0 and figures["verified_in_month"] == 0  # signed off in December
    assert figures["overdue"] == 3  # 市场准入股 (due 10-07) and both townships (due 10-31)
    assert not figures["late"] and not bulletin.text.startswith("（补发")


def test_a_bulletin_published_after_the_following_month_is_labelled_late(ledger):
    bulletin, _ = services.publish_monthly_bulletin(date(2023, 11, 1), today=date(2024, 1, 3))
    assert bulletin.summary["late"] is True
    assert bulletin.text.startswith("（补发，2024年1月3日）")


def test_detect_overdue_claims_in_short_batches_and_records_each_measure_once(ledger, county, monkeypatch,
                                                                            django_capture_on_commit_callbacks):
    """The candidates are read first, then claimed CLAIM_BATCH at a time, one short UPDATE … RETURNING each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        services.create_measure(finding=ledger.problem, text=f"批次{n}", lead_unit=county.section,
                                deadline=date(2023, 10, 31))
    monkeypatch.setattr(services, "CLAIM_BATCH", 2)
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        result = services.record_overdue(date(2023, 11, 1))
    claims = [q["sql"] for q in queries.captured_queries if "RETURNING" in q["sql"] and "overdue_recorded_for" in q["sql"]]
    assert result["recorded"] == 6  # section ×4 (due 10-07 and 10-31), both townships; not the ongoing one
    assert len(claims) == 3  # 6 measures, 2 a batch
    assert overdue_events().count() == 6
    assert services.record_overdue(date(2023, 11, 1))["recorded"] == 0
