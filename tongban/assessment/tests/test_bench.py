"""The assessment bench at a small size: tongban's totals equal the hand-written SQL's, the notice is built."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_bench_scores_a_month_with_the_same_totals_as_one_sql_statement(db):
    from tongban.assessment.bench import run_assessment_bench

    report = run_assessment_bench(60, units=2, log=lambda line: None)
    assert report["same_totals"] is True and report["items"] > 0
    assert report["bulletin_seconds"] > 0
