"""`tongban bench` finds every app's benchmarks and prints the keys each issue names with --json."""
import json
from io import StringIO

import pytest
from django.core.management import call_command

from tongban.core.bench import discover


def test_every_app_benchmark_is_one_subcommand_of_bench():
    assert {"ledger", "intake", "cases"} <= set(discover())


@pytest.mark.django_db(transaction=True)
def test_bench_intake_json_prints_the_keys_the_issue_names():
    out = StringIO()
    call_command("bench", "intake", "--intakes", "6", "--workers", "2", "--json", stdout=out, stderr=StringIO())
    report = json.loads(out.getvalue())
    assert set(report) == {"intakes", "seconds", "per_second", "duplicates"}
    assert (report["intakes"], report["duplicates"]) == (6, 0)


@pytest.mark.django_db(transaction=True)
def test_bench_intake_without_json_prints_the_figure_beside_its_reference():
    out = StringIO()
    call_command("bench", "intake", "--intakes", "4", "--workers", "2", stdout=out)
    assert "件/秒（参照 ≥ 250 件/秒）" in out.getvalue() and "重复编号 0（参照 0）" in out.getvalue()


@pytest.mark.django_db
def test_bench_ledger_at_a_small_size_times_every_page_beside_its_reference_and_keeps_nothing():
    from tongban.rectification.models import Measure

    out = StringIO()
    call_command("bench", "ledger", "--measures", "60", "--items", "0", "--runs", "1", "--json", stdout=out,
                 stderr=StringIO())
    report = json.loads(out.getvalue())
    assert report["measures"] == 60
    assert report["pages"] and all(row["reference_ms"] > 0 and row["ms"] > 0 for row in report["pages"].values())
    assert not Measure.objects.exists()  # generated inside a transaction that is rolled back
