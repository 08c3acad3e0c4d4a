"""`tongban workdays …` and `tongban calendar …`, through call_command and the real console script."""
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tongban.workdays.choices import YearStatus
from tongban.workdays.models import CalendarYear, Day

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_workdays_add_prints_just_the_date():
    assert run("workdays", "add", "2025-09-26", "5") == ("2025-10-10\n", "")


def test_workdays_add_warns_on_stderr_when_the_answer_is_provisional():
    out, err = run("workdays", "add", "2026-12-25", "5")
    assert out == "2027-01-01\n"
    assert err == "注意：2027年节假日安排尚未录入，结果按周一至周五推算，为临时结果。\n"


def test_workdays_add_with_a_suspension():
    assert run("workdays", "add", "2025-09-26", "5", "--suspend", "2025-09-29:2025-09-30")[0] == "2025-10-13\n"


def test_workdays_between_prints_the_count():
    assert run("workdays", "between", "2025-09-26", "2025-10-10") == ("5\n", "")
    assert run("workdays", "between", "2025-09-26", "2025-10-10", "--suspend", "2025-10-09")[0] == "4\n"


def test_a_bad_date_is_a_chinese_error():
    with pytest.raises(CommandError, match="“2025-02-30”不是有效日期"):
        run("workdays", "add", "2025-02-30", "5")


def test_a_date_out_of_range_is_a_chinese_error():
    with pytest.raises(CommandError, match="超出工作日历可计算范围"):
        run("workdays", "add", "2101-01-01", "5")


def test_calendar_import_loads_the_file(schedule_2027):
    out, err = run("calendar", "import", str(schedule_2027))
    assert out.startswith("已导入2027年的节假日安排：共 12 行")
    assert CalendarYear.objects.get(year=2027).status == YearStatus.IMPORTED


def test_calendar_import_lists_every_error_by_row_and_changes_nothing(write_csv):
    path = write_csv([("日期", "类型", "名称"), ("2027-01-01", "节假日", "元旦"), ("2027-02-30", "节假日", "春节"),
                      ("2027-03-01", "加班", "")])
    err = StringIO()
    with pytest.raises(CommandError, match="导入失败，共 2 处错误，数据库未做任何修改。"):
        call_command("calendar", "import", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "第 3 行“日期”列：日期“2027-02-30”不存在。",
        "第 4 行“类型”列：类型“加班”无法识别，可填：工作日、休息日、节假日、法定节假日、调休、调休上班。",
    ]
    assert not Day.objects.exists() and not CalendarYear.objects.exists()


def test_calendar_import_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run("calendar", "import", str(tmp_path / "没有.csv"))


def test_calendar_fill_adds_the_years_and_flags_the_provisional_ones():
    out, err = run("calendar", "fill", "--from", "2025", "--to", "2027")
    assert out == "新增 3 个年份（2025、2026、2027），改用官方安排 0 个年份。\n"
    assert "2027年尚无节假日安排" in err
    assert run("calendar", "fill", "--from", "2025", "--to", "2027")[0].startswith("新增 0 个年份")


def test_calendar_fill_defaults_to_2004_through_next_year():
    import time_machine

    with time_machine.travel("2026-11-22 10:00 +0800"):
        run("calendar", "fill")
    assert list(CalendarYear.objects.values_list("year", flat=True)) == list(range(2004, 2028))


def test_calendar_benchmark_times_a_fill_and_leaves_the_calendar_as_it_was():
    import json

    run("calendar", "fill", "--from", "2025", "--to", "2025")
    out, _ = run("calendar", "benchmark", "--from", "2024", "--to", "2026", "--json")
    report = json.loads(out)
    assert (report["years"], report["days"], report["target_seconds"]) == (3, 366 + 365 + 365, 3)
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2025]
    text, _ = run("calendar", "benchmark", "--from", "2024", "--to", "2024")
    assert text.startswith("填充 2024—2024 年（1 个年份，366 天）用时 ") and "数据已回滚，日历未改变。" in text


def test_calendar_status_lists_each_year():
    run("calendar", "fill", "--from", "2026", "--to", "2027")
    out, _ = run("calendar", "status")
    lines = out.splitlines()
    assert lines[0].startswith("2026\t官方安排\t")
    assert lines[1].startswith("2027\t临时推算\t")


def test_calendar_status_on_an_empty_calendar_says_what_to_do():
    assert "tongban calendar fill" in run("calendar", "status")[0]


# --- The real console script ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def console(tmp_path_factory):
    """`.venv/bin/tongban` against its own SQLite file (the test database is not visible to a subprocess)."""
    script = Path(sys.executable).with_name("tongban")
    if not script.exists():
        script = Path(shutil.which("tongban") or "tongban")
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    env["TONGBAN_VAR_DIR"] = str(tmp_path_factory.mktemp("var"))

    def call(*args) -> subprocess.CompletedProcess:
        return subprocess.run([str(script), *args], env=env, capture_output=True, text=True, timeout=120)

    migrated = call("migrate", "workdays", "--noinput", "-v0", "--skip-checks")
    assert migrated.returncode == 0, migrated.stderr
    return call


def test_the_console_script_prints_exactly_the_date(console):
    done = console("workdays", "add", "2025-09-26", "5")
    assert (done.returncode, done.stdout, done.stderr) == (0, "2025-10-10\n", "")


def test_the_console_script_warns_on_stderr_for_a_provisional_answer(console):
    done = console("workdays", "add", "2026-12-25", "5")
    assert done.returncode == 0 and done.stdout == "2027-01-01\n"
    assert "注意：2027年节假日安排尚未录入" in done.stderr


def test_the_console_script_exits_1_on_a_bad_date(console):
    done = console("workdays", "add", "2025-13-01", "5")
    assert done.returncode == 1 and done.stdout == "" and "不是有效日期" in done.stderr
