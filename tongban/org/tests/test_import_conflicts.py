"""The org import keeps what was edited in tongban since the last import (issue 7, same rule as the
ledger): a field changed on the unit page after an import is kept and reported as a conflict unless
the user takes the file's value; fields nobody touched follow the file."""
from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from tongban.core.import_snapshots import TakeFileValues
from tongban.org import excel, services
from tongban.org.models import Staff, Unit
from tongban.org.tests.test_excel import STAFF_HEADER, UNIT_HEADER, new_staff, new_unit, run_import, xlsx

pytestmark = pytest.mark.django_db


def workbook(phone="0371-1111111", position="科员") -> bytes:
    return xlsx(单位=[UNIT_HEADER, new_unit(联系电话=phone)],
                人员=[STAFF_HEADER, new_staff(unit="sec-info", 职务=position)])


@pytest.fixture
def imported(county, personas):
    run_import(workbook(), by=personas.director)
    return Unit.objects.get(code="sec-info")


def test_a_phone_changed_on_the_unit_page_after_the_import_is_kept_and_reported(imported, personas):
    services.update_unit(imported, expected_version=imported.version, phone="0371-2222222", by=personas.director)
    report = run_import(workbook(), by=personas.director)
    assert report.conflicts == 1 and report.units.unchanged == 1
    [change] = report.changes
    assert (change["sheet"], change["row"]) == ("单位", 2)
    assert change["fields"] == [{"field": "phone", "label": "联系电话", "old": "0371-2222222", "new": "0371-1111111",
                                 "edited": True, "taken": False, "key": "单位:sec-info:phone"}]
    assert Unit.objects.get(code="sec-info").phone == "0371-2222222"
    assert "冲突 1 处" in report.summary()


def test_the_file_value_is_taken_when_chosen(imported, personas):
    services.update_unit(imported, expected_version=imported.version, phone="0371-2222222", by=personas.director)
    report = run_import(workbook(), by=personas.director,
                        take_file_values=TakeFileValues(fields=frozenset({"单位:sec-info:phone"})))
    assert report.conflicts == 0 and report.units.updated == 1
    assert Unit.objects.get(code="sec-info").phone == "0371-1111111"


def test_a_field_nobody_edited_follows_the_file_beside_a_kept_conflict(imported, personas):
    staff = Staff.objects.get(staff_no="S100")
    services.update_staff(staff, expected_version=staff.version, phone="13800000000", by=personas.director)
    report = run_import(workbook(position="股长"), by=personas.director)
    [change] = report.changes
    assert [(f["field"], f["old"], f["new"], f["edited"], f["taken"]) for f in change["fields"]] == [
        ("position", "科员", "股长", False, True), ("phone", "13800000000", "", True, False)]
    staff.refresh_from_db()
    assert (staff.position, staff.phone) == ("股长", "13800000000")


def test_records_no_import_wrote_yet_count_as_edited_only_when_the_change_log_says_so(county, personas):
    """The demo's units: never imported. Edited on the page → kept; untouched → the file's value."""
    services.update_unit(county.section, expected_version=county.section.version, phone="111", by=personas.director)
    content = xlsx(单位=[UNIT_HEADER, new_unit("sec-market", "市场准入股", 联系电话="999"),
                       new_unit("tw-wangcun", "王村乡便民服务中心", kind="乡镇便民服务中心", 联系电话="888")])
    report = run_import(content, by=personas.director)
    fields = {c["label"].split()[0]: c["fields"] for c in report.changes}
    assert [(f["field"], f["edited"]) for f in fields["sec-market"]] == [("phone", True)]
    assert ("phone", False) in [(f["field"], f["edited"]) for f in fields["tw-wangcun"]]
    assert Unit.objects.get(code="sec-market").phone == "111"
    assert Unit.objects.get(code="tw-wangcun").phone == "888"


def test_the_cli_lists_conflicts_and_takes_file_values_when_told(imported, personas, tmp_path):
    services.update_unit(imported, expected_version=imported.version, phone="0371-2222222", by=personas.director)
    path = tmp_path / "org.xlsx"
    path.write_bytes(workbook())
    out, err = io.StringIO(), io.StringIO()
    call_command("org", "import", str(path), stdout=out, stderr=err)
    assert "冲突：工作表“单位” 第 2 行 sec-info" in err.getvalue() and "--take 单位:sec-info:phone" in err.getvalue()
    assert Unit.objects.get(code="sec-info").phone == "0371-2222222"
    out = io.StringIO()
    call_command("org", "import", str(path), "--take-file-values", "--json", stdout=out, stderr=io.StringIO())
    assert json.loads(out.getvalue())["changes"][0]["fields"][0]["taken"] is True
    assert Unit.objects.get(code="sec-info").phone == "0371-1111111"


def test_the_web_import_previews_conflicts_and_confirms_with_the_chosen_values(imported, personas, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.update_unit(imported, expected_version=imported.version, phone="0371-2222222", by=personas.director)
    client = client_for(personas.director)
    response = client.post("/org/import/", {"file": SimpleUploadedFile("组织机构.xlsx", workbook()), "dry_run": "on"})
    html = response.content.decode()
    assert 'id="import-changes"' in html and "0371-2222222" in html and "导入后在系统中修改过" in html
    assert 'name="take" value="单位:sec-info:phone"' in html
    token = response.context["token"]
    assert Unit.objects.get(code="sec-info").phone == "0371-2222222"
    client.post("/org/import/", {"token": token, "take": "单位:sec-info:phone"})
    assert Unit.objects.get(code="sec-info").phone == "0371-1111111"
