"""The catalogue import takes the spreadsheets offices have (.xls, .ods …) and refuses hostile ones with
a Chinese message instead of a 500 (issues 8 and 9)."""
from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.catalog import excel
from tongban.catalog.tests.helpers import make_item, material
from tongban.core.tests.office_files import convert

pytestmark = pytest.mark.django_db


def test_a_sheet_with_a_text_node_over_10_mb_is_refused_in_chinese_not_a_500(personas, county, client_for):
    make_item("R-1", county.department, name="PLACEHOLDER", materials=[material("id_card")])
    content = excel.export_bytes()
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"PLACEHOLDER", "许".encode() * (11 * 1024 * 1024 // 3), 1)
            target.writestr(item, data)
    response = client_for(personas.director).post(
        "/catalog/import/", {"file": SimpleUploadedFile("目录.xlsx", buffer.getvalue())})
    assert response.status_code == 200
    assert "表格文件“目录.xlsx”的工作表“事项”中有单元格超过 32767 个字符" in response.content.decode()


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_an_exported_catalogue_saved_as_xls_or_ods_imports_unchanged(county, tmp_path, fmt):
    make_item("R-1", county.department, name="出版物经营许可", materials=[material("id_card", "居民身份证")])
    make_item("R-2", county.department, name="食品经营许可", materials=[material("licence", "营业执照")])
    exported = tmp_path / "目录.xlsx"
    exported.write_bytes(excel.export_bytes())
    [converted] = convert([exported], fmt, tmp_path / fmt)
    report = excel.import_path(converted)
    assert (report.items, report.created, report.updated, report.unchanged) == (2, 0, 0, 2)
    assert (report.children_created, report.children_updated, report.children_deleted) == (0, 0, 0)


# --- re-imports keep what was edited in tongban (issue 7, same rule as the ledger) ---------------------


def test_a_promised_time_edited_after_the_import_is_kept_and_can_be_taken_from_the_file(personas, county, client_for):
    from tongban.catalog import services
    from tongban.catalog.models import ServiceItem

    make_item("R-1", county.department, name="出版物经营许可", days=5, materials=[material("id_card")])
    content = excel.export_bytes()
    excel.import_workbook(io.BytesIO(content), by=personas.director)  # what an import wrote
    item = ServiceItem.objects.get(implementation_code="R-1")
    services.update_item(item, expected_version=item.version, promised_days=3, by=personas.director)

    client = client_for(personas.director)
    response = client.post("/catalog/import/", {"file": SimpleUploadedFile("目录.xlsx", content), "dry_run": "on"})
    html = response.content.decode()
    assert "冲突 1 处" in html and 'name="take" value="事项:R-1:promised_days"' in html
    assert "承诺时限（工作日）" in html
    token = response.context["token"]
    client.post("/catalog/import/", {"token": token})  # confirmed without taking: tongban's value stays
    assert ServiceItem.objects.get(implementation_code="R-1").promised_days == 3

    response = client.post("/catalog/import/", {"file": SimpleUploadedFile("目录.xlsx", content), "dry_run": "on"})
    client.post("/catalog/import/", {"token": response.context["token"], "take": "事项:R-1:promised_days"})
    assert ServiceItem.objects.get(implementation_code="R-1").promised_days == 5
