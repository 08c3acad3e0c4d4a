"""Locking a month while someone else locks it or changes one of its sheets: the lock takes the month's row and
then its sheets first (select_for_update), so the second one waits and then sees what the first did. Row locks
are PostgreSQL's (SQLite lets one writer at a time in and has no row locks): these run on PostgreSQL.

Each test holds the first transaction open on a thread, starts the second on another, waits until PostgreSQL
says the second is waiting for a lock (or has already finished — which is what happened before the fix), then lets
the first commit. No sleeps: the order is decided by the database's own lock queue."""
from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from tongban.assessment import services
from tongban.assessment.choices import ObjectionStatus, SheetStatus
from tongban.assessment.models import AssessmentMonth, Objection, ScoreSheet

pytestmark = pytest.mark.django_db(transaction=True)


def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are PostgreSQL's; SQLite serialises writers itself")


def _waiting_for_a_lock(thread: threading.Thread) -> bool:
    """True once another session of this database waits for a lock; False if `thread` finished first."""
    deadline = time.monotonic() + 60  # a guard against a hung run only, not part of the test's logic
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
            if cursor.fetchone()[0]:
                return True
        thread.join(0.02)
        if not thread.is_alive():
            return False
    raise AssertionError("the second session neither waited nor finished")


def _run(target, results: list) -> threading.Thread:
    def body():
        from django.db import connection as own

        try:
            results.append(target())
        except Exception as exc:  # noqa: BLE001 — handed to the test to assert on
            results.append(exc)
        finally:
            own.close()
    thread = threading.Thread(target=body)
    thread.start()
    return thread


def test_a_second_lock_waits_for_the_first_and_finds_the_month_locked(scored, personas):
    _postgresql_only()
    from tongban.history.models import DomainEvent

    office = personas.rectification_office
    holding, release, first, second = threading.Event(), threading.Event(), [], []

    def lock_and_hold():
        with transaction.atomic():
            services.lock_month(AssessmentMonth.objects.get(pk=scored.pk), by=office)
            holding.set()
            release.wait(60)

    one = _run(lock_and_hold, first)
    assert holding.wait(60)
    two = _run(lambda: services.lock_month(AssessmentMonth.objects.get(pk=scored.pk), by=office), second)
    waited = _waiting_for_a_lock(two)
    release.set()
    one.join()
    two.join()
    assert first == [None] and isinstance(second[0], AssessmentMonth), (first, second)
    assert DomainEvent.objects.filter(code="assessment.month.locked").count() == 1
    assert waited


def test_an_objection_filed_while_the_month_is_being_locked_keeps_the_month_open(scored, county, personas):
    _postgresql_only()
    office = personas.rectification_office
    sheet = ScoreSheet.objects.get(assessment=scored, unit=county.township_a)
    item = services.add_manual_item(sheet, indicator=scored.scheme.indicators.get(code="bad_review"), label="差评",
                                    note="核查记录", by=office)
    holding, release, first, second = threading.Event(), threading.Event(), [], []

    def object_and_hold():
        with transaction.atomic():
            services.file_objection(item, reason="非本中心窗口", by=personas.township_admin, today=date(2025, 11, 3))
            holding.set()
            release.wait(60)

    one = _run(object_and_hold, first)
    assert holding.wait(60)
    two = _run(lambda: services.lock_month(AssessmentMonth.objects.get(pk=scored.pk), by=office), second)
    _waiting_for_a_lock(two)
    release.set()
    one.join()
    two.join()
    assert first == [None], first
    assert isinstance(second[0], ValidationError) and second[0].code == "pending_objections", second
    scored.refresh_from_db()
    assert scored.locked_at is None
    assert Objection.objects.get(item=item).status == ObjectionStatus.PENDING
    assert set(ScoreSheet.objects.filter(assessment=scored).values_list("status", flat=True)) == {SheetStatus.OBJECTION}

