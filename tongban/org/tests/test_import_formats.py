"""The org workbook can come back as .xls / .ods (issue 9): export, let LibreOffice save it in the other
format, import it: nothing changes."""
from __future__ import annotations

import pytest

from tongban.core.tests.office_files import convert
from tongban.org import excel

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_an_exported_org_workbook_saved_as_xls_or_ods_imports_unchanged(county, personas, tmp_path, fmt):
    exported = tmp_path / "组织机构.xlsx"
    exported.write_bytes(excel.export_org_bytes())
    [converted] = convert([exported], fmt, tmp_path / fmt)
    report = excel.import_org_workbook(str(converted))
    assert (report.units.created, report.units.updated, report.units.unchanged) == (0, 0, 6)
    assert (report.staff.created, report.staff.updated) == (0, 0)
    assert report.windows.unchanged == 3
