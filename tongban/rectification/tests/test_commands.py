"""The CLI: `tongban ledger import|export|benchmark` and `tongban report progress|plan`, run as
commands on real files."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import load_workbook

from tongban.rectification import services
from tongban.rectification.models import Inspection, Measure
from tongban.rectification.tests.test_importing import good_rows, messy_ledger

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def ledger_file(tmp_path: Path, rows=None) -> Path:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(messy_ledger(rows or good_rows()).getvalue())
    return path


def test_ledger_import_prints_the_json_of_issue_3(county, tmp_path):
    data = json.loads(run("ledger", "import", str(ledger_file(tmp_path)), "--json"))
    inspection = Inspection.objects.get()
    assert data == {"inspection": inspection.pk, "findings": 2, "measures": 4, "ongoing": 1, "created": 4,
                    "updated": 0, "unchanged": 0, "errors": [],
                    "signed_off_by_import": [{"row": 4, "text": "制定年度工作方案"}]}
    again = json.loads(run("ledger", "import", str(ledger_file(tmp_path)), "--inspection", str(inspection.pk), "--json"))
    assert (again["created"], again["unchanged"]) == (0, 4)


def test_ledger_import_with_errors_exits_1_and_changes_nothing(county, tmp_path):
    rows = good_rows()
    rows[1][4] = "火星办事处"
    with pytest.raises(CommandError) as excinfo:
        run("ledger", "import", str(ledger_file(tmp_path, rows)), "--json")
    assert excinfo.value.returncode == 1
    assert not Measure.objects.exists() and not Inspection.objects.exists()


def test_ledger_import_errors_are_printed_as_json(county, tmp_path):
    rows = good_rows()
    rows[1][4] = "火星办事处"
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("ledger", "import", str(ledger_file(tmp_path, rows)), "--json", stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue())["errors"] == [{"row": 5, "column": "牵头单位", "message": "找不到单位“火星办事处”"}]


def test_ledger_dry_run_writes_nothing(county, tmp_path):
    assert "检查通过（未写入）" in run("ledger", "import", str(ledger_file(tmp_path)), "--dry-run")
    assert not Measure.objects.exists()


def test_ledger_export_writes_the_standard_layout(ledger, tmp_path):
    target = tmp_path / "out.xlsx"
    assert "4 项整改措施" in run("ledger", "export", "--inspection", str(ledger.inspection.pk), "-o", str(target))
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[2]][:5] == ["序号", "问题方面", "问题类型", "反馈问题", "整改措施"]
    assert sheet.max_row == 6


def test_an_unknown_inspection_is_a_clear_error(county, tmp_path):
    with pytest.raises(CommandError, match="没有 ID 为 999 的巡察"):
        run("ledger", "export", "--inspection", "999", "-o", str(tmp_path / "x.xlsx"))


def test_ledger_benchmark_reports_a_ratio_and_leaves_no_data(county):
    report = json.loads(run("ledger", "benchmark", "--rows", "200", "--json"))
    assert report["rows"] == report["created"] == 200
    assert report["reference_seconds"] > 0 and report["ratio"] > 0
    assert report["parse_target_seconds"] == 2 and isinstance(report["parse_within_target"], bool)
    assert not Measure.objects.exists() and not Inspection.objects.exists()


@pytest.mark.parametrize("kind,heading", [("progress", "二、整改落实情况"), ("plan", "二、整改主要内容")])
def test_report_commands_write_a_docx(kind, heading, ledger, tmp_path):
    target = tmp_path / f"{kind}.docx"
    assert "已生成《" in run("report", kind, "--inspection", str(ledger.inspection.pk), "-o", str(target),
                             "--date", "2023-08-15")
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert heading in text and "2023年8月15日" in text


def test_the_tongban_script_runs_the_ledger_command(tmp_path):
    """The console script itself (a separate process), as an office worker would type it."""
    script = Path(sys.executable).with_name("tongban")
    result = subprocess.run([str(script), "ledger", "--help"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "import" in result.stdout and "benchmark" in result.stdout


def test_report_date_is_the_cut_off(ledger, tmp_path):
    services.add_progress(ledger.section_measure, text="x")
    target = tmp_path / "p.docx"
    # 2023-09-30 fell in the National Day holiday: the measure is due on the first workday after it (10-07).
    run("report", "progress", "--inspection", str(ledger.inspection.pk), "-o", str(target), "--date", "2023-10-09")
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "其中1项已超过完成时限" in text
