"""`tongban org import|export` and `tongban demo`, called as the command line calls them."""
from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tongban.org.demo import DEMO_PASSWORD
from tongban.org.models import Staff, Unit, Window
from tongban.org.tests.test_excel import UNIT_HEADER, new_unit, xlsx

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_org_export_writes_every_record(personas, tmp_path):
    target = tmp_path / "org.xlsx"
    out, _ = run("org", "export", "-o", str(target))
    book = load_workbook(target)
    assert book["单位"].max_row - 1 == Unit.objects.count() == 6
    assert book["窗口"].max_row - 1 == Window.objects.count() == 3
    assert book["人员"].max_row - 1 == Staff.objects.count() == 8
    assert "单位 6 行、窗口 3 行、人员 8 行" in out


def test_org_export_wants_an_xlsx_name(county, tmp_path):
    with pytest.raises(CommandError, match=r"\.xlsx"):
        run("org", "export", "-o", str(tmp_path / "org.csv"))


def test_org_import_prints_the_summary_and_is_idempotent(county, tmp_path):
    source = tmp_path / "org.xlsx"
    source.write_bytes(xlsx(单位=[UNIT_HEADER, new_unit()]))
    out, _ = run("org", "import", str(source))
    assert out.strip() == "单位：新增 1、更新 0、未变 0；窗口：文件中无此工作表；人员：文件中无此工作表"
    out, _ = run("org", "import", str(source))
    assert "单位：新增 0、更新 0、未变 1" in out


def test_org_import_failure_lists_every_error_exits_1_and_changes_nothing(county, tmp_path):
    source = tmp_path / "bad.xlsx"
    source.write_bytes(xlsx(单位=[UNIT_HEADER, new_unit("sec-a", kind="科室"), new_unit("sec-b", parent="nowhere")]))
    err = io.StringIO()
    with pytest.raises(CommandError) as info:
        call_command("org", "import", str(source), stdout=io.StringIO(), stderr=err)
    assert info.value.returncode == 1
    assert str(info.value) == "导入失败，共 2 处错误，数据库未做任何修改。"
    lines = err.getvalue().strip().splitlines()
    assert lines[0].startswith("工作表“单位” 第 2 行 〔单位类型〕：未知的单位类型“科室”")
    assert lines[1].startswith("工作表“单位” 第 3 行 〔上级单位代码〕：单位代码“nowhere”不存在")
    assert Unit.objects.count() == 6


def test_org_import_json_reports_counts_or_errors(county, tmp_path):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(xlsx(单位=[UNIT_HEADER, new_unit()]))
    bad.write_bytes(xlsx(单位=[UNIT_HEADER, new_unit(kind="科室")]))
    out, _ = run("org", "import", str(good), "--json", "--dry-run")
    data = json.loads(out)
    assert data["ok"] and data["dry_run"] and data["units"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert not Unit.objects.filter(code="sec-info").exists()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("org", "import", str(bad), "--json", stdout=out, stderr=io.StringIO())
    data = json.loads(out.getvalue())
    assert not data["ok"] and data["errors"][0]["row"] == 2 and data["errors"][0]["column"] == "单位类型"


def test_org_import_refuses_a_file_that_is_not_a_spreadsheet(county, tmp_path):
    source = tmp_path / "org.xls"
    source.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(CommandError) as info:
        run("org", "import", str(source))
    assert str(info.value) == "文件“org.xls”的内容不是 .xls 文件（无法识别的内容），请上传真实的 .xls 文件。"
    source = tmp_path / "org.csv"
    source.write_bytes(b"a,b")
    with pytest.raises(CommandError) as info:
        run("org", "import", str(source))
    assert str(info.value) == "不支持的文件类型“.csv”，请上传 .xlsx、.xls、.et、.ods 文件。"


def test_org_import_of_a_missing_file_says_so(county, tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run("org", "import", str(tmp_path / "nope.xlsx"))


def test_demo_prints_the_logins_and_the_password_and_can_run_again(db):
    out, _ = run("demo")
    assert "演示县已生成" in out and f"演示密码：{DEMO_PASSWORD}" in out
    for username in ("admin", "zhuren", "zhenggai", "guzhang", "buzhang", "chuangkou", "xiangzhen", "xiangzhen2",
                     "jiancha"):
        assert f"\n{username} " in out
    assert "城关镇及其村级服务点、网点，可见 4 个单位" in out
    out, _ = run("demo")
    assert "演示县的组织机构已存在，未做修改" in out
