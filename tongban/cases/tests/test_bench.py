"""Concurrent intakes never share a case number (the sequence row, not max()+1)."""
import pytest

from tongban.cases.models import Case, CaseNumberSequence

pytestmark = pytest.mark.django_db(transaction=True)


def test_forty_intakes_from_eight_workers_get_forty_numbers():
    from tongban.cases.bench import run_intake_bench

    report = run_intake_bench(40, 8, log=lambda text: None)
    assert (report["intakes"], report["duplicates"]) == (40, 0)
    assert CaseNumberSequence.objects.get().last == 40
    assert not Case.objects.exists()  # the bench removes what it made


def test_the_cases_bench_times_the_list_pages_and_removes_its_cases():
    from tongban.cases.bench import run_cases_bench

    report = run_cases_bench(300, 3, 12, units=3, log=lambda text: None)
    assert (report["cases"], report["requests"]) == (300, 12)
    assert report["p95_ms"] >= report["p50_ms"] > 0
    assert not Case.objects.exists()
