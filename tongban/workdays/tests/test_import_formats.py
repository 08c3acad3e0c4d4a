"""The holiday schedule can come as .xls / WPS .et / .ods too (issue 9): real files converted by
LibreOffice, dates as the office typed them (real date cells)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook

from tongban.core.tests.office_files import convert
from tongban.workdays import services
from tongban.workdays.models import Day
from tongban.workdays.tests.conftest import SCHEDULE_2027

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", ["xls", "et", "ods"])
def test_a_schedule_saved_as_xls_et_or_ods_imports(tmp_path, fmt):
    book = Workbook()
    for number, row in enumerate(SCHEDULE_2027):
        book.active.append([datetime.fromisoformat(row[0]) if number else row[0], *row[1:]])
    book.save(tmp_path / "2027年节假日安排.xlsx")
    [converted] = convert([tmp_path / "2027年节假日安排.xlsx"], fmt, tmp_path / fmt)
    report = services.import_schedule(converted)
    assert report.years == [2027]
    assert not Day.objects.get(date=date(2027, 2, 8)).is_workday
    assert Day.objects.get(date=date(2027, 2, 20)).is_workday  # 调休


def test_an_empty_schedule_file_is_called_empty(tmp_path):
    from django.core.exceptions import ValidationError

    path = tmp_path / "安排.xlsx"
    path.write_bytes(b"")
    with pytest.raises(ValidationError) as refused:
        services.import_schedule(path)
    assert refused.value.messages == ["文件“安排.xlsx”是空的（0 字节），请重新选择文件。"]
