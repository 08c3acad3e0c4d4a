"""The assessment bench at a small size: tongban's totals (overdue cases, cards and 差评, capped) equal the
hand-written SQL's."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_bench_scores_a_month_with_the_same_totals_as_one_sql_statement(db):
    from tongban.assessment.bench import run_assessment_bench

    # The notice's build (python-docx, ~5 ms a table cell) is tested in test_pages; here only the scoring.
    report = run_assessment_bench(400, units=2, notice=False, log=lambda line: None)
    assert report["same_totals"] is True
    # overdue cases, yellow and red cards and 差评 each scored (and counted by the reference)
    assert {"cases.overdue", "supervision.yellow_card", "supervision.red_card", "feedback.bad_review"} <= set(
        report["by_source"]), report
    assert report["items"] == sum(report["by_source"].values())
