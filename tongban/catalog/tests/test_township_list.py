"""Loading the provincial township list from a file and checking 应进必进 from the command line."""
import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from tongban.catalog.models import TownshipListEntry

pytestmark = pytest.mark.django_db


def write_xlsx(path, rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_township_list_loads_from_excel_and_replaces_the_old_one(tmp_path, capsys):
    TownshipListEntry.objects.create(list_name="省定清单", basic_code="OLD", name="旧事项")
    path = write_xlsx(tmp_path / "list.xlsx", [["基本编码", "事项名称"], ["A001", "农村宅基地审批"], ["A002", "残疾人证申领"]])
    call_command("catalog", "township-list", "省定清单", str(path))
    assert list(TownshipListEntry.objects.filter(list_name="省定清单").values_list("basic_code", "name")) == [
        ("A001", "农村宅基地审批"), ("A002", "残疾人证申领")]
    assert "共 2 项" in capsys.readouterr().out


def test_a_bad_township_list_is_rejected_whole_with_row_numbers(tmp_path, capsys):
    TownshipListEntry.objects.create(list_name="省定清单", basic_code="KEEP", name="保留")
    path = tmp_path / "list.csv"
    path.write_text("基本编码,事项名称\nA001,农村宅基地审批\n,没有编码\nA001,重复\nA003,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("catalog", "township-list", "省定清单", str(path))
    err = capsys.readouterr().err
    assert "第 3 行：缺少基本编码" in err and "第 4 行：基本编码 A001 与第 2 行重复" in err and "第 5 行" in err
    assert list(TownshipListEntry.objects.values_list("basic_code", flat=True)) == ["KEEP"]


def test_township_check_lists_what_each_township_should_handle_but_does_not(county, tmp_path, capsys):
    path = write_xlsx(tmp_path / "list.xlsx", [["Z9", "不存在的事项"]])
    call_command("catalog", "township-list", "省定清单", str(path))
    call_command("catalog", "township-check", "省定清单")
    out = capsys.readouterr().out
    assert "城关镇便民服务中心\tZ9\t不存在的事项" in out and "王村乡便民服务中心\tZ9" in out
    assert "共 2 项应办未办" in out
