"""List exports: streamed in the house look with user text kept as text; above EXPORT_ASYNC_ROWS they
run on the worker (an `Export` with a progress bar) and only their requester may download them."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tongban.documents.models import Export, ExportStatus
from tongban.rectification import services

pytestmark = pytest.mark.django_db


def cells(content: bytes) -> list[list]:
    return [list(row) for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_a_small_list_export_downloads_at_once_with_formula_like_text_kept(ledger, county, personas, client_for):
    services.create_measure(finding=ledger.problem, text="=HYPERLINK(\"http://evil.example\",\"点我\")",
                            lead_unit=county.section, deadline=date(2023, 10, 31))
    response = client_for(personas.director).get("/rectification/lists/tasks/?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    rows = [row for row in book.active.iter_rows(min_row=3)]
    texts = {row[2].value: row[2].data_type for row in rows}
    assert texts['=HYPERLINK("http://evil.example","点我")'] == "s"
    assert len(rows) == 5 and not Export.objects.exists()


def test_the_overdue_list_exports_its_own_rows(ledger, personas, client_for):
    import time_machine

    with time_machine.travel("2023-11-01 10:00 +0800", tick=False):
        content = client_for(personas.director).get("/rectification/overdue/?export=xlsx").content
    rows = cells(content)
    assert rows[0][0] == "逾期整改措施（逾期，截至2023-11-01）"
    assert sorted(row[2] for row in rows[2:]) == sorted(["制定年度工作方案，细化分解为24项具体工作", "规范乡镇便民服务中心运行",
                                                        "开展政企回访"])
    assert {row[10] for row in rows[2:]} == {"逾期"}


def test_a_large_export_runs_on_the_worker_and_only_its_requester_downloads_it(ledger, personas, client_for,
                                                                             settings):
    settings.EXPORT_ASYNC_ROWS = 2
    director = client_for(personas.director)
    response = director.get("/rectification/lists/tasks/?status=not_started&export=xlsx")
    export = Export.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/exports/{export.pk}/"
    assert (export.status, export.rows, export.by) == (ExportStatus.SUCCEEDED, 4, personas.director)
    page = director.get(response["Location"]).content.decode()
    assert "已完成" in page and f"/exports/{export.pk}/download/" in page
    rows = cells(director.get(f"/exports/{export.pk}/download/").getvalue())
    assert rows[0][0].startswith("任务清单") and len(rows) == 2 + 4
    other = client_for(personas.township_admin)
    assert other.get(f"/exports/{export.pk}/").status_code == 404
    assert other.get(f"/exports/{export.pk}/download/").status_code == 404


def test_a_queued_export_holds_only_what_its_requester_may_see(ledger, personas, client_for, settings):
    settings.EXPORT_ASYNC_ROWS = 0
    client_for(personas.township_admin).get("/rectification/lists/tasks/?export=xlsx")
    export = Export.objects.get()
    content = client_for(personas.township_admin).get(f"/exports/{export.pk}/download/").getvalue()
    measures = sorted(row[2] for row in cells(content)[2:])
    assert measures == ["制定年度工作方案，细化分解为24项具体工作", "规范乡镇便民服务中心运行"]


def test_old_exports_are_purged_with_their_files(ledger, personas, client_for, settings):
    from datetime import timedelta
    from pathlib import Path

    from django.utils import timezone

    from tongban.documents import exports

    settings.EXPORT_ASYNC_ROWS = 0
    client_for(personas.director).get("/rectification/lists/tasks/?export=xlsx")
    export = Export.objects.get()
    path = Path(settings.MEDIA_ROOT) / export.path
    assert path.is_file()
    assert exports.purge(timezone.localdate()) == {"deleted": 0, "files": 0}
    assert exports.purge(timezone.localdate() + timedelta(days=1)) == {"deleted": 1, "files": 1}
    assert not path.exists() and not Export.objects.exists()
