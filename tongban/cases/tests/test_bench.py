"""Concurrent intakes never share a case number (the sequence row, not max()+1)."""
import pytest

from tongban.cases.models import Case, CaseNumberSequence

pytestmark = pytest.mark.django_db(transaction=True)


def test_forty_intakes_from_eight_workers_get_forty_numbers():
    """On PostgreSQL the workers are eight processes, each with its own connection, all claiming at once: a
    claim that two of them could both win (max()+1, a read before the UPDATE) fails here."""
    from django.db import connection

    from tongban.cases.bench import run_intake_bench

    report = run_intake_bench(40, 8, log=lambda text: None)
    # An in-memory SQLite database (the tests' own) cannot be opened by another process: threads there.
    assert report["workers"] == ("threads" if connection.vendor == "sqlite" else "processes")
    assert (report["intakes"], report["duplicates"], report["failures"]) == (40, 0, 0)
    assert CaseNumberSequence.objects.get().last == 40
    assert not Case.objects.exists()  # the bench removes what it made


def test_the_cases_bench_times_the_list_pages_and_removes_its_cases():
    from tongban.cases.bench import run_cases_bench

    report = run_cases_bench(300, 3, 12, units=3, log=lambda text: None)
    assert (report["cases"], report["requests"]) == (300, 12)
    assert report["p95_ms"] >= report["p50_ms"] > 0
    assert not Case.objects.exists()
