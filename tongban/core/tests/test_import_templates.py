"""Every import has a template to download (issue 9): the header the import reads, filled example
rows and a 填写说明 sheet, linked from the import page — and the example imports as it stands on the
demo county (checked, not written)."""
from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db

PASSWORD = "Tongban#2026"


@pytest.fixture
def demo(db):
    from tongban.org.demo import build_demo_county

    county = build_demo_county()
    for user in county.users.values():
        user.set_password(PASSWORD)
        user.save()
    return county


def _download(client, page: str, url: str) -> bytes:
    html = client.get(page).content.decode()
    assert f'href="{url}" id="import-template-link"' in html
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    assert "填写说明" in load_workbook(io.BytesIO(response.content)).sheetnames or "说明" in load_workbook(
        io.BytesIO(response.content)).sheetnames
    return response.content


def test_the_ledger_template_reads_and_imports_on_the_demo_county(demo, client_for):
    from tongban.rectification.importing import import_ledger
    from tongban.rectification.ledger_parsing import parse_ledger

    content = _download(client_for(demo.users["zhenggai"]), "/rectification/import/", "/rectification/import/template.xlsx")
    parsed = parse_ledger(io.BytesIO(content))
    assert parsed.errors == [] and [row.measure_text for row in parsed.rows] == [
        "制定一次性告知清单并在各窗口公示", "每季度抽查窗口告知情况"]
    result = import_ledger(parsed, dry_run=True)
    assert result.ok and result.created == 2
    assert {m["name"]: m["how_label"] for m in result.unit_matches}["市场监管局"] == "别名"
    assert client_for(demo.users["xiangzhen"]).get("/rectification/import/template.xlsx").status_code == 403


def test_the_org_template_imports_on_the_demo_county(demo, client_for):
    from tongban.org import excel

    content = _download(client_for(demo.users["zhuren"]), "/org/import/", "/org/import/template.xlsx")
    report = excel.import_org_upload(SimpleUploadedFile("组织机构导入模板.xlsx", content), dry_run=True)
    assert (report.units.created, report.windows.created, report.staff.created) == (1, 1, 1)


def test_the_catalogue_template_imports_on_the_demo_county(demo, client_for):
    from tongban.catalog import excel

    content = _download(client_for(demo.users["zhuren"]), "/catalog/import/", "/catalog/import/template.xlsx")
    report = excel.import_workbook(io.BytesIO(content), dry_run=True)
    assert (report.items, report.created, report.children_created) == (1, 1, 7)


def test_the_calendar_template_reads(demo, client_for):
    from tongban.workdays.schedule_file import read_schedule

    content = _download(client_for(demo.users["zhuren"]), "/calendar/", "/calendar/import/template.xlsx")
    rows, name = read_schedule(SimpleUploadedFile("节假日安排导入模板.xlsx", content))
    assert [(row.kind, row.name) for row in rows] == [("holiday", "元旦"), ("holiday", "国庆节"),
                                                      ("makeup_workday", "国庆节")]
