"""The CLI: `tongban bundle list|show --json`, `tongban catalog import|export|benchmark`."""
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tongban.catalog.demo import build_demo_catalog
from tongban.catalog.models import ItemMaterial, MaterialIdentity, ServiceItem

pytestmark = pytest.mark.django_db

SHOW_KEYS = ["slug", "name", "items", "materials_separate", "materials_merged", "fields_separate", "fields_merged",
             "days_separate", "days_critical_path", "trips_separate", "trips_merged", "materials_electronic",
             "materials_to_bring"]


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def demo(county):
    build_demo_catalog()


def cells(path) -> dict:
    book = load_workbook(path, read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_bundle_list_prints_slug_and_name(demo):
    rows = json.loads(run("bundle", "list", "--json"))
    assert {"slug": "open-restaurant", "name": "我要开饭店"} in rows
    assert all(list(row) == ["slug", "name"] for row in rows)
    assert len(rows) == 11


def test_bundle_show_prints_exactly_the_agreed_keys(demo):
    data = json.loads(run("bundle", "show", "open-restaurant", "--json"))
    assert list(data) == SHOW_KEYS
    assert data["slug"] == "open-restaurant" and data["items"] == 4
    assert data["materials_merged"] < data["materials_separate"]
    assert data["days_critical_path"] < data["days_separate"]
    assert data["trips_merged"] < data["trips_separate"]


def test_bundle_show_for_an_unknown_slug_fails_in_chinese(demo):
    with pytest.raises(CommandError, match="没有标识为“nope”的一件事"):
        run("bundle", "show", "nope", "--json")


def test_export_import_export_gives_the_same_cells(demo, tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    run("catalog", "export", "-o", str(first))
    report = json.loads(run("catalog", "import", str(first), "--json"))
    assert report["created"] == 0 and report["updated"] == 0 and report["unchanged"] == report["items"]
    assert report["children_created"] == report["children_updated"] == report["children_deleted"] == 0
    run("catalog", "export", "-o", str(second))
    assert cells(first) == cells(second)
    assert list(cells(first)) == ["事项", "材料", "表单字段", "办理环节", "特别程序"]


def test_import_into_an_empty_catalogue_rebuilds_it(demo, tmp_path):
    path = tmp_path / "a.xlsx"
    run("catalog", "export", "-o", str(path))
    before = cells(path)
    items = ServiceItem.objects.count()
    from tongban.catalog.models import Bundle, Delegation, IntermediaryService, NegativeListEntry

    for model in (Bundle, Delegation, NegativeListEntry, IntermediaryService):
        model.objects.all().delete()
    ServiceItem.objects.all().delete()
    report = json.loads(run("catalog", "import", str(path), "--json"))
    assert report["created"] == items
    run("catalog", "export", "-o", str(path))
    assert cells(path) == before


def test_a_bad_row_rejects_the_whole_file_with_row_numbers(demo, tmp_path):
    path = tmp_path / "a.xlsx"
    run("catalog", "export", "-o", str(path))
    book = load_workbook(path)
    items = book["事项"]
    header = [c.value for c in items[1]]
    items.cell(row=3, column=header.index("事项类型") + 1, value="行政许可证")  # not a type
    items.cell(row=4, column=header.index("实施主体") + 1, value="不存在的局")
    items.cell(row=5, column=header.index("承诺时限（工作日）") + 1, value="五天")
    items.cell(row=6, column=header.index("事项名称") + 1, value="改过的名称")  # a valid change, not applied
    book["材料"].cell(row=2, column=1, value="NO-SUCH-ITEM")
    book.save(path)
    names = set(ServiceItem.objects.values_list("name", flat=True))
    with pytest.raises(CommandError, match="导入失败，共 4 处错误"):
        run("catalog", "import", str(path), "--json")
    assert set(ServiceItem.objects.values_list("name", flat=True)) == names


def test_import_json_lists_every_error_with_sheet_row_and_column(demo, tmp_path, capsys):
    path = tmp_path / "a.xlsx"
    run("catalog", "export", "-o", str(path))
    book = load_workbook(path)
    book["事项"].cell(row=2, column=1, value=book["事项"].cell(row=3, column=1).value)  # duplicate code
    book["办理环节"].cell(row=2, column=2, value="第一")
    book.save(path)
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("catalog", "import", str(path), "--json", stdout=out)
    errors = json.loads(out.getvalue())["errors"]
    assert {(e["sheet"], e["row"], e["column"]) for e in errors} >= {("事项", 3, "实施编码"), ("办理环节", 2, "序号")}
    assert all(e["message"] for e in errors)


def test_dry_run_checks_without_writing(demo, tmp_path):
    path = tmp_path / "a.xlsx"
    run("catalog", "export", "-o", str(path))
    book = load_workbook(path)
    book["事项"].cell(row=2, column=3, value="试运行改名")
    book.save(path)
    report = json.loads(run("catalog", "import", str(path), "--dry-run", "--json"))
    assert report["dry_run"] and report["updated"] == 1
    assert not ServiceItem.objects.filter(name="试运行改名").exists()


def test_import_updates_changed_rows_and_removes_dropped_materials(demo, tmp_path):
    path = tmp_path / "a.xlsx"
    run("catalog", "export", "-o", str(path))
    run("catalog", "import", str(path))  # the catalogue as an import wrote it
    book = load_workbook(path)
    materials = book["材料"]
    code = materials.cell(row=2, column=1).value
    count = ItemMaterial.objects.filter(item__implementation_code=code).count()
    materials.delete_rows(2)
    book.save(path)
    report = json.loads(run("catalog", "import", str(path), "--json"))
    assert (report["updated"], report["children_deleted"], report["conflicts"]) == (0, 1, 0)
    assert ItemMaterial.objects.filter(item__implementation_code=code).count() == count - 1


def test_a_material_no_import_wrote_is_kept_when_the_file_lacks_it_unless_taken(demo, tmp_path):
    """The demo's materials were entered in tongban: a file without one does not delete it silently."""
    path = tmp_path / "a.xlsx"
    run("catalog", "export", "-o", str(path))
    book = load_workbook(path)
    materials = book["材料"]
    code, identity = materials.cell(row=2, column=1).value, materials.cell(row=2, column=2).value
    count = ItemMaterial.objects.filter(item__implementation_code=code).count()
    materials.delete_rows(2)
    book.save(path)
    report = json.loads(run("catalog", "import", str(path), "--json"))
    assert (report["children_deleted"], report["conflicts"]) == (0, 1)
    [kept] = [f for change in report["changes"] for f in change["fields"] if not f["taken"]]
    assert (kept["key"], kept["label"], kept["edited"]) == (f"材料:{code}/{identity}:delete", "删除（文件中没有）", True)
    assert ItemMaterial.objects.filter(item__implementation_code=code).count() == count
    run("catalog", "import", str(path), "--take", f"材料:{code}/{identity}:delete")
    assert ItemMaterial.objects.filter(item__implementation_code=code).count() == count - 1


def test_a_non_workbook_is_refused(county, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="导入失败"):
        run("catalog", "import", str(path))
    with pytest.raises(CommandError, match="导入失败"):
        run("catalog", "import", str(tmp_path / "x.csv")) if (tmp_path / "x.csv").write_text("a") else None


def test_benchmark_times_the_import_against_a_reference_and_rolls_back(county):
    # The timing target (2,000 items under 5 s) is the command's own check, not a timed test.
    output = run("catalog", "benchmark", "--items", "200")
    assert "导入 200 项事项" in output and "已回滚" in output and "倍" in output
    assert not ServiceItem.objects.exists()
    assert not MaterialIdentity.objects.filter(code__startswith="bench-").exists()


def test_demo_command_is_idempotent(county):
    first = run("catalog", "demo")
    assert run("catalog", "demo") == first
