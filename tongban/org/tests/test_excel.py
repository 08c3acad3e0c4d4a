"""Excel in and out of the organisation: real workbooks, real database, real services."""
from __future__ import annotations

import io

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tongban.history.models import DomainEvent
from tongban.org import excel
from tongban.org.models import Staff, Unit, Window

pytestmark = pytest.mark.django_db

UNIT_HEADER = ["单位代码", "单位名称", "简称", "单位类型", "上级单位代码", "地址", "联系电话", "办公时间", "排序", "启用"]
WINDOW_HEADER = ["窗口编号", "窗口名称", "窗口类型", "所属单位代码", "位置", "启用"]
STAFF_HEADER = ["工号", "姓名", "所属单位代码", "窗口编号", "职务", "系统角色", "是否领导", "分管单位代码", "联系电话",
                "电子邮箱", "登录账号", "在岗"]


def xlsx(**sheets: list[list]) -> bytes:
    """A workbook with one sheet per keyword (单位=..., 窗口=..., 人员=...), rows as given."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_import(content: bytes, **kwargs) -> excel.ImportReport:
    return excel.import_org_workbook(io.BytesIO(content), **kwargs)


def rejected(content: bytes) -> list[dict]:
    with pytest.raises(excel.ImportRejected) as info:
        run_import(content)
    return info.value.errors


def cells(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return {name: list(book[name].iter_rows(values_only=True)) for name in book.sheetnames}


def table_counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(), "windows": Window.objects.count(), "staff": Staff.objects.count(),
        "users": get_user_model().objects.count(), "events": DomainEvent.objects.count(),
        "log": LogEntry.objects.count(),
    }


def new_unit(code="sec-info", name="信息股", kind="股室", parent="center", **extra) -> list:
    row = dict(zip(UNIT_HEADER, [code, name, "", kind, parent, "", "", "", 100, "是"]))
    row.update(extra)
    return [row[h] for h in UNIT_HEADER]


def new_staff(no="S100", name="冯新", unit="center", window="", role="工作人员", username="", **extra) -> list:
    row = dict(zip(STAFF_HEADER, [no, name, unit, window, "科员", role, "否", "", "", "", username, "是"]))
    row.update(extra)
    return [row[h] for h in STAFF_HEADER]


# --- Export -------------------------------------------------------------------------------------


def test_export_has_three_data_sheets_with_bold_headers_and_column_widths(personas):
    book = excel.export_org_workbook(user=personas.director)
    assert book.sheetnames[:3] == ["单位", "窗口", "人员"]
    exported_units = [*UNIT_HEADER[:3], "别名", *UNIT_HEADER[3:]]
    for name, header in (("单位", exported_units), ("窗口", WINDOW_HEADER), ("人员", STAFF_HEADER)):
        sheet = book[name]
        assert [c.value for c in sheet[1]] == header
        assert all(c.font.bold for c in sheet[1])
        assert sheet.column_dimensions["B"].width >= 10


def test_export_writes_chinese_labels_for_kinds_roles_and_yes_no(personas):
    data = cells(excel.export_org_bytes(user=personas.director))
    windows = {row[0]: row for row in data["窗口"][1:]}
    assert windows["A01"][2] == "综合受理" and windows["B01"][2] == "专业窗口"
    staff = {row[0]: row for row in data["人员"][1:]}
    assert staff["clerk"][3] == "A01" and staff["clerk"][5] == "窗口人员" and staff["clerk"][10] == "clerk"
    assert staff["director"][6] == "是" and staff["clerk"][6] == "否"
    units = {row[0]: row for row in data["单位"][1:]}
    assert units["tw-chengguan"][4] == "乡镇便民服务中心" and units["tw-chengguan"][5] == "center"


def test_export_contains_only_what_the_user_may_see(personas):
    data = cells(excel.export_org_bytes(user=personas.township_admin))
    assert [row[0] for row in data["单位"][1:]] == ["tw-chengguan", "vil-dongguan"]
    assert [row[0] for row in data["窗口"][1:]] == ["CG01"]
    assert [row[0] for row in data["人员"][1:]] == ["township"]


def test_export_without_a_user_is_everything(personas):
    data = cells(excel.export_org_bytes(user=None))
    assert len(data["单位"]) - 1 == Unit.objects.count()
    assert len(data["人员"]) - 1 == Staff.objects.count()


def test_export_lists_units_in_tree_order_siblings_by_sort_order(county):
    from tongban.org import services

    services.update_unit(county.township_b, expected_version=None, sort_order=1)
    codes = [row[0] for row in cells(excel.export_org_bytes(user=None))["单位"][1:]]
    assert codes == ["center", "tw-wangcun", "dept-samr", "sec-market", "tw-chengguan", "vil-dongguan"]


def test_text_that_looks_like_a_formula_is_exported_as_text(county):
    from tongban.org import services

    services.update_unit(county.section, expected_version=None, short_name="=1+1")
    book = load_workbook(io.BytesIO(excel.export_org_bytes(user=None)))
    cell = next(row[2] for row in book["单位"].iter_rows(min_row=2) if row[0].value == "sec-market")
    assert cell.value == "=1+1" and cell.data_type == "s"


# --- Round trips and idempotency ----------------------------------------------------------------


def test_importing_an_export_again_changes_nothing(personas):
    content = excel.export_org_bytes(user=None)
    before = table_counts()
    versions = dict(Unit.objects.values_list("code", "version"))
    report = run_import(content)
    assert (report.units.created, report.units.updated, report.units.unchanged) == (0, 0, 6)
    assert (report.windows.created, report.windows.updated, report.windows.unchanged) == (0, 0, 3)
    assert (report.staff.created, report.staff.updated, report.staff.unchanged) == (0, 0, 8)
    assert table_counts() == before
    assert dict(Unit.objects.values_list("code", "version")) == versions
    assert cells(excel.export_org_bytes(user=None)) == cells(content)


def test_export_import_export_into_an_empty_database_gives_identical_cells(personas):
    from tongban.org import services

    services.update_staff(Staff.objects.get(staff_no="director"), expected_version=None,
                          units_in_charge=[personas.section_chief.staff.unit, Unit.objects.get(code="tw-wangcun")])
    content = excel.export_org_bytes(user=None)
    Staff.objects.all().delete()
    get_user_model().objects.all().delete()
    Window.objects.all().delete()
    for depth in sorted(set(Unit.objects.values_list("depth", flat=True)), reverse=True):
        Unit.objects.filter(depth=depth).delete()

    report = run_import(content)

    assert (report.units.created, report.windows.created, report.staff.created) == (6, 3, 8)
    assert cells(excel.export_org_bytes(user=None)) == cells(content)
    again = run_import(content)
    assert again.units.unchanged + again.windows.unchanged + again.staff.unchanged == 17
    assert again.units.created + again.units.updated + again.staff.created + again.staff.updated == 0


def test_a_changed_cell_updates_the_record_through_the_service(county, personas):
    rows = cells(excel.export_org_bytes(user=None))["单位"]
    changed = [list(row) for row in rows]
    changed[[r[0] for r in rows].index("sec-market")][1] = "市场准入服务股"
    report = run_import(xlsx(单位=changed), by=personas.director)
    assert (report.units.updated, report.units.unchanged) == (1, 5)
    section = Unit.objects.get(code="sec-market")
    assert section.name == "市场准入服务股" and section.version == 2
    event = DomainEvent.objects.filter(code="org.unit.updated", object_id=str(section.pk)).get()
    assert event.actor == personas.director and event.data["fields"] == ["name"]
    audit = LogEntry.objects.get_for_object(section).filter(action=LogEntry.Action.UPDATE).get()
    assert audit.changes_dict["name"] == ["市场准入股", "市场准入服务股"]


def test_a_sheet_may_be_left_out_and_its_records_stay_as_they_are(personas):
    report = run_import(xlsx(人员=[STAFF_HEADER, new_staff()]))
    assert report.staff.created == 1
    assert report.summary() == "单位：文件中无此工作表；窗口：文件中无此工作表；人员：新增 1、更新 0、未变 0"
    assert Unit.objects.count() == 6


def test_a_column_left_out_is_not_touched(county):
    report = run_import(xlsx(单位=[["单位代码", "单位名称", "单位类型"], ["sec-market", "市场准入股", "股室"]]))
    assert report.units.unchanged == 1
    assert Unit.objects.get(code="sec-market").parent == county.center


# --- Messy sheets -------------------------------------------------------------------------------


def test_the_header_may_sit_below_a_title_row_and_blank_rows_are_skipped(county):
    content = xlsx(单位=[["XX县组织机构一览表"], [], ["（2026年11月）"], UNIT_HEADER, [], new_unit(), [None, "  "]])
    report = run_import(content)
    assert (report.units.created, report.units.unchanged) == (1, 0)
    assert Unit.objects.get(code="sec-info").parent == county.center


def test_a_header_below_the_fifth_row_is_not_found(county):
    errors = rejected(xlsx(单位=[[], [], [], [], [], UNIT_HEADER, new_unit()]))
    assert errors[0]["sheet"] == "单位" and "前 5 行" in errors[0]["message"]


def test_full_width_characters_and_trailing_spaces_are_normalised(county):
    content = xlsx(
        单位=[UNIT_HEADER, new_unit(code="ｓｅｃ－ｉｎｆｏ ", name=" 信息股　", kind="股室 ", parent="ｃｅｎｔｅｒ", 排序="１２")],
        窗口=[WINDOW_HEADER, ["Ａ０２ ", "综合受理二号窗（企业）", "综合受理 ", "center", "", "是 "]],
        人员=[STAFF_HEADER, new_staff(no="Ｓ１００", window="Ａ０２", role="窗口人员　", 联系电话="１３８００１３８０００")],
    )
    report = run_import(content)
    assert (report.units.created, report.windows.created, report.staff.created) == (1, 1, 1)
    unit = Unit.objects.get(code="sec-info")
    assert (unit.name, unit.sort_order) == ("信息股", 12)
    window = Window.objects.get(code="A02")
    assert window.kind == "intake" and window.name == "综合受理二号窗（企业）"  # text keeps its full-width brackets
    staff = Staff.objects.get(staff_no="S100")
    assert (staff.window, staff.role, staff.phone) == (window, "window_clerk", "13800138000")


def test_headers_with_marks_and_aliases_are_recognised(county):
    header = ["*单位编码", "单位名称", "单位类型", "启用（是/否）"]
    report = run_import(xlsx(单位=[header, ["sec-info", "信息股", "section", "否"]]))
    assert report.units.created == 1
    unit = Unit.objects.get(code="sec-info")
    assert unit.parent is None and unit.is_active is False and unit.kind.code == "section"


def test_parents_may_come_after_their_children_in_the_sheet(county):
    content = xlsx(单位=[
        UNIT_HEADER,
        new_unit("vil-beiguan", "北关村便民服务点", "村级便民服务点", "tw-beiguan"),
        new_unit("tw-beiguan", "北关镇便民服务中心", "乡镇便民服务中心", "center"),
    ])
    run_import(content)
    village, township = Unit.objects.get(code="vil-beiguan"), Unit.objects.get(code="tw-beiguan")
    assert village.parent == township and village.path.startswith(township.path) and village.depth == 2


def test_a_unit_moved_to_a_new_parent_takes_its_subtree_along(county):
    content = xlsx(单位=[
        UNIT_HEADER,
        new_unit("tw-chengguan", "城关镇便民服务中心", "乡镇便民服务中心", "tw-new"),
        new_unit("tw-new", "新区便民服务中心", "分中心", "center"),
    ])
    report = run_import(content)
    assert (report.units.created, report.units.updated) == (1, 1)
    new, township, village = (Unit.objects.get(code=c) for c in ("tw-new", "tw-chengguan", "vil-dongguan"))
    assert township.parent == new
    assert village.path == f"{township.path}{village.pk}/" and village.depth == 3


def test_units_in_charge_accept_several_separators(county):
    row = new_staff(分管单位代码="sec-market、dept-samr，tw-chengguan；tw-wangcun ,vil-dongguan", 是否领导="是")
    run_import(xlsx(人员=[STAFF_HEADER, row]))
    staff = Staff.objects.get(staff_no="S100")
    assert staff.is_leader
    assert set(staff.units_in_charge.values_list("code", flat=True)) == {
        "sec-market", "dept-samr", "tw-chengguan", "tw-wangcun", "vil-dongguan"}


# --- Errors: every one listed, nothing written --------------------------------------------------


def test_every_error_is_listed_by_sheet_row_and_column_and_nothing_is_written(personas):
    before = table_counts()
    content = xlsx(
        单位=[["组织机构表"], UNIT_HEADER,
             new_unit("sec-a", "甲股", "科室"),            # row 3: unknown kind
             new_unit("sec-b", "", "股室"),                # row 4: missing name
             new_unit("sec-c", "丙股", "股室", "nowhere"),  # row 5: unknown parent
             new_unit("sec-a", "甲股", "股室"),             # row 6: duplicate code
             new_unit("sec-d", "丁股", "股室", 排序="第一")],  # row 7: not a number
        窗口=[WINDOW_HEADER,
             ["X01", "某窗口", "快递窗口", "center", "", "是"],   # row 2: unknown window kind
             ["X02", "另一窗口", "综合受理", "nowhere", "", "是"]],  # row 3: unknown unit
        人员=[STAFF_HEADER,
             new_staff("S1", role="局长"),                  # row 2: unknown role
             new_staff("S2", window="Z99"),                 # row 3: unknown window
             new_staff("S3", username="clerk"),             # row 4: login of another person
             new_staff("S4", 在岗="也许")],                 # row 5: not yes/no
    )
    with pytest.raises(excel.ImportRejected) as info:
        run_import(content)
    found = {(e["sheet"], e["row"], e["column"]) for e in info.value.errors}
    assert found == {
        ("单位", 3, "单位类型"), ("单位", 4, "单位名称"), ("单位", 5, "上级单位代码"), ("单位", 6, "单位代码"),
        ("单位", 7, "排序"), ("窗口", 2, "窗口类型"), ("窗口", 3, "所属单位代码"), ("人员", 2, "系统角色"),
        ("人员", 3, "窗口编号"), ("人员", 4, "登录账号"), ("人员", 5, "在岗"),
    }
    assert info.value.message == "导入失败，共 11 处错误，数据库未做任何修改。"
    messages = {(e["sheet"], e["row"]): e["message"] for e in info.value.errors}
    assert messages[("单位", 3)].startswith("未知的单位类型“科室”")
    assert messages[("单位", 6)] == "“sec-a”在本表第 3 行已出现，同一文件中不能重复。"
    assert "工号“clerk”" in messages[("人员", 4)]
    assert table_counts() == before
    assert not Unit.objects.filter(code__in=["sec-a", "sec-c", "sec-d"]).exists()


def test_a_cycle_in_the_parents_is_rejected(county):
    errors = rejected(xlsx(单位=[UNIT_HEADER, new_unit("x-a", "甲", "股室", "x-b"), new_unit("x-b", "乙", "股室", "x-a")]))
    assert {(e["row"], e["column"]) for e in errors} == {(2, "上级单位代码"), (3, "上级单位代码")}
    assert "上级单位形成循环：甲 → 乙 → 甲" in errors[0]["message"]


def test_moving_a_unit_under_its_own_descendant_is_a_cycle(county):
    errors = rejected(xlsx(单位=[UNIT_HEADER, new_unit("tw-chengguan", "城关镇便民服务中心", "乡镇便民服务中心", "vil-dongguan")]))
    assert errors[0]["code"] == "excel_cycle" and errors[0]["row"] == 2
    assert Unit.objects.get(code="tw-chengguan").parent == county.center


def test_a_missing_required_column_is_reported_against_the_header_row(county):
    errors = rejected(xlsx(窗口=[["标题"], ["窗口编号", "窗口名称", "所属单位代码"], ["X01", "某窗口", "center"]]))
    assert errors == [{"sheet": "窗口", "row": 2, "column": "窗口类型", "message": "缺少必需的列“窗口类型”。",
                       "code": "excel_missing_column"}]


def test_a_window_outside_the_persons_unit_is_rejected(county):
    errors = rejected(xlsx(人员=[STAFF_HEADER, new_staff(unit="tw-wangcun", window="CG01")]))
    assert errors[0]["column"] == "窗口编号"
    assert "不在人员所属单位“王村乡便民服务中心”或其上级单位中" in errors[0]["message"]


def test_a_window_of_a_parent_unit_is_allowed(county):
    run_import(xlsx(人员=[STAFF_HEADER, new_staff(unit="dept-samr", window="A01", role="窗口人员")]))
    assert Staff.objects.get(staff_no="S100").window == county.intake_window


def test_model_checks_are_reported_against_the_column(county):
    errors = rejected(xlsx(人员=[STAFF_HEADER, new_staff("bad no", 电子邮箱="not-an-email")]))
    assert {e["column"] for e in errors} == {"工号", "电子邮箱"}


def test_a_workbook_without_known_sheets_is_refused(county):
    with pytest.raises(excel.ImportRejected) as info:
        run_import(xlsx(Sheet1=[["a", "b"]]))
    assert info.value.message == "工作簿中没有名为“单位”“窗口”“人员”的工作表。"


def test_a_file_that_is_not_a_workbook_is_refused(county):
    with pytest.raises(excel.ImportRejected) as info:
        excel.import_org_upload(SimpleUploadedFile("org.xlsx", b"PK\x03\x04 not really a zip"))
    assert info.value.message == "文件“org.xlsx”的内容不是 .xlsx 文件（无法识别的内容），请上传真实的 .xlsx 文件。"


def test_an_upload_of_the_wrong_type_is_refused(county):
    with pytest.raises(excel.ImportRejected) as info:
        excel.import_org_upload(SimpleUploadedFile("org.csv", b"a,b\n"))
    assert info.value.message == "不支持的文件类型“.csv”，请上传 .xlsx、.xls、.et、.ods 文件。"
    assert info.value.errors[0]["code"] == "file_type"


def test_an_upload_over_the_size_limit_is_refused(county, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    content = xlsx(单位=[UNIT_HEADER, new_unit()]) + b"\0" * (1024 * 1024)
    with pytest.raises(excel.ImportRejected) as info:
        excel.import_org_upload(SimpleUploadedFile("org.xlsx", content))
    assert info.value.errors[0]["code"] == "file_too_large"
    assert "上限为 1 MB" in info.value.message
    assert not Unit.objects.filter(code="sec-info").exists()


def test_an_edit_between_the_check_and_the_write_rejects_the_whole_import(county):
    from tongban.org import services

    content = xlsx(单位=[UNIT_HEADER, new_unit(), new_unit("sec-market", "市场准入服务股", "股室", "center")])
    importer = excel._OrgImport(excel._read_workbook(io.BytesIO(content)))
    importer.plan()
    services.update_unit(county.section, expected_version=None, phone="0377-1234567")  # someone else, meanwhile
    with pytest.raises(excel.ImportRejected) as info:
        importer.write()
    assert info.value.errors[0]["code"] == "stale_version" and info.value.errors[0]["row"] == 3
    assert not Unit.objects.filter(code="sec-info").exists()
    assert Unit.objects.get(code="sec-market").name == "市场准入股"


# --- Logins -------------------------------------------------------------------------------------


def test_a_person_with_a_login_gets_a_user_without_a_usable_password(county):
    run_import(xlsx(人员=[STAFF_HEADER, new_staff(username="fengxin", 电子邮箱="fx@example.cn")]))
    user = Staff.objects.get(staff_no="S100").user
    assert user.username == "fengxin" and user.first_name == "冯新" and user.email == "fx@example.cn"
    assert not user.has_usable_password()


def test_an_existing_user_without_a_person_is_linked_not_duplicated(county):
    user = get_user_model().objects.create_user("fengxin", password="Keep#this1")
    run_import(xlsx(人员=[STAFF_HEADER, new_staff(username="fengxin")]))
    staff = Staff.objects.get(staff_no="S100")
    assert staff.user == user and staff.user.check_password("Keep#this1")


def test_a_new_login_name_renames_the_persons_user_and_a_blank_one_keeps_it(personas):
    row = new_staff("clerk", "赵窗口", "center", "A01", "窗口人员", username="zhaochuangkou")
    report = run_import(xlsx(人员=[STAFF_HEADER, row]))
    assert report.staff.updated == 1
    personas.window_clerk.refresh_from_db()
    assert personas.window_clerk.username == "zhaochuangkou"
    blank = new_staff("clerk", "赵窗口", "center", "A01", "窗口人员", username="")
    assert run_import(xlsx(人员=[STAFF_HEADER, blank])).staff.unchanged == 1
    assert Staff.objects.get(staff_no="clerk").user == personas.window_clerk


def test_the_same_login_twice_in_a_file_is_refused(county):
    errors = rejected(xlsx(人员=[STAFF_HEADER, new_staff("S1", username="dup"), new_staff("S2", username="dup")]))
    assert [(e["row"], e["column"]) for e in errors] == [(3, "登录账号")]


# --- Dry run and the report ---------------------------------------------------------------------


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(county):
    before = table_counts()
    report = run_import(xlsx(单位=[UNIT_HEADER, new_unit()]), dry_run=True)
    assert report.dry_run and report.units.created == 1
    assert report.summary().endswith("（仅检查，数据库未修改）")
    assert table_counts() == before


# --- Through the page ---------------------------------------------------------------------------


def test_the_import_page_lists_errors_with_row_numbers(personas, client_for):
    client = client_for(personas.director)
    upload = SimpleUploadedFile("org.xlsx", xlsx(单位=[UNIT_HEADER, new_unit(kind="科室")]))
    page = client.post("/org/import/", {"file": upload}).content.decode()
    assert "导入失败，共 1 处错误" in page and 'id="import-errors"' in page and "未知的单位类型“科室”" in page
    assert not Unit.objects.filter(code="sec-info").exists()


def test_the_import_page_imports_a_good_file(personas, client_for):
    client = client_for(personas.director)
    upload = SimpleUploadedFile("org.xlsx", xlsx(单位=[UNIT_HEADER, new_unit()]))
    page = client.post("/org/import/", {"file": upload}, follow=True).content.decode()
    assert "单位：新增 1、更新 0、未变 0" in page
    assert DomainEvent.objects.filter(code="org.unit.created", actor=personas.director).exists()


def test_the_export_download_is_the_users_workbook(personas, client_for):
    response = client_for(personas.director).get("/org/export.xlsx")
    assert response.status_code == 200
    assert [row[0] for row in cells(response.content)["单位"][1:]][0] == "center"


def test_a_township_admin_may_not_import_or_export(personas, client_for):
    client = client_for(personas.township_admin)
    assert client.get("/org/export.xlsx").status_code == 403
    assert client.get("/org/import/").status_code == 403
