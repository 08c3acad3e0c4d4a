"""The provincial exchange's pages: who gets them, and the walk upload → preview (mapping) → confirm → export."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.cases.models import Case

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "province_sample.csv"


def upload(client, content: bytes = None, name: str = "province.csv"):
    data = SAMPLE.read_bytes() if content is None else content
    return client.post("/cases/province/", {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


@pytest.mark.parametrize("name, allowed", [("director", True), ("admin", True), ("window_clerk", False),
                                           ("rectification_office", False), ("section_chief", False),
                                           ("township_admin", False), ("inspector", False)])
def test_each_persona_gets_the_exchange_or_a_clean_refusal(client_for, personas, name, allowed):
    client = client_for(getattr(personas, name))
    page = client.get("/cases/province/")
    assert page.status_code == (200 if allowed else 403)
    export = client.get("/cases/province/export/", {"start": "2026-11-01", "end": "2026-11-30", "format": "csv"})
    assert export.status_code == (200 if allowed else 403)
    assert upload(client).status_code == (302 if allowed else 403)
    nav = client.get("/cases/").content.decode()
    assert ('id="province-nav"' in nav) == allowed


def test_upload_preview_mapping_and_confirm(client_for, personas, restaurant):
    client = client_for(personas.director)
    response = upload(client)
    preview_url = response["Location"]
    response = client.get(preview_url)
    preview = response.content.decode()
    assert "检查通过（未写入）：办件 3 件、办理记录 12 条；新增办件 3 件" in preview and not Case.objects.exists()
    # The mapping table is the one shared with the ledger import's preview.
    assert "core/_import_mapping.html" in [t.name for t in response.templates]
    assert preview.count('name="map_at"') == 2  # the select, and the confirm form's hidden copy
    # Unmap the time column: the preview names what is missing, in Chinese.
    unmapped = client.get(preview_url, {"map_at": ""}).content.decode()
    assert "缺少必需的列：办理时间" in unmapped and 'id="confirm-import"' not in unmapped
    done = client.post(preview_url, {"confirm": "1"}, follow=True)
    assert "导入完成" in done.content.decode() and Case.objects.count() == 3
    assert client.post(preview_url, {"confirm": "1"}).status_code == 404  # confirmed once; the file is gone
    case = Case.objects.get(province_number="SX2026110200001")
    detail = client.get(f"/cases/{case.number}/").content.decode()
    assert "SX2026110200001" in detail and "现场核查完毕" in detail
    export = client.get("/cases/province/export/", {"start": "2026-11-01", "end": "2026-11-30", "format": "csv"})
    assert export.status_code == 200 and "SX2026110200001" in export.content.decode("utf-8-sig")
    assert export["Content-Disposition"].startswith("attachment")


def test_bad_files_are_refused_in_chinese(client_for, personas, restaurant):
    client = client_for(personas.director)
    refused = upload(client, b"\x00\x01binary", "x.csv")
    assert refused.status_code == 200 and "二进制文件" in refused.content.decode() and not Case.objects.exists()
    bad_rows = SAMPLE.read_bytes().replace(b",2026-11-02 09:30:00,", b",yesterday,")
    preview = client.get(upload(client, bad_rows)["Location"]).content.decode()
    assert re.search(r"<td>2</td><td>办理时间</td><td>办理时间“yesterday”无法识别", preview)
    assert not Case.objects.exists()
    wrong = client.get("/cases/province/export/", {"start": "2026-11-30", "end": "2026-11-01"})
    assert wrong.status_code == 400 and "收件日期止早于收件日期起" in wrong.content.decode()


def test_the_preview_costs_the_same_queries_for_3_or_60_cases(client_for, personas, restaurant):
    """No query per row or per case: the dry run reads the county and the existing cases in a few queries."""
    client = client_for(personas.director)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    many = [lines[0]] + [line.replace("SX20261", f"SX{copy:03d}") for copy in range(20) for line in lines[1:]]
    small = upload(client)["Location"]
    big = upload(client, "\n".join(many).encode())["Location"]
    client.get(small)  # the first request fills the caches (content types, the session)
    counts = []
    for url in (small, big):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        assert "检查通过" in page
        counts.append(len(queries))
    assert "新增办件 60 件" in page
    assert counts[1] == counts[0] and counts[0] < 40


def test_the_preview_shows_a_case_closed_in_tongban_as_a_skipped_conflict(client_for, personas, restaurant):
    """A new row for a case tongban closed first: the preview lists it as a conflict, the rest is imported."""
    from datetime import date

    from tongban.cases.choices import CaseStatus

    client = client_for(personas.director)
    assert client.post(upload(client)["Location"], {"confirm": "1"}).status_code == 302
    case = Case.objects.get(province_number="SX2026110300002")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_on=date(2026, 11, 10))
    more = (SAMPLE.read_text(encoding="utf-8-sig") + "SX2026110300002,,,,,,,,,,9,,2026-11-12 10:00:00,\n"
            "SX2026112000004,R-2,食品经营许可,赵六,自然人,,13600003333,县市场监管局,,,1,,2026-11-20 09:00:00,\n")
    preview_url = upload(client, more.encode())["Location"]
    preview = client.get(preview_url).content.decode()
    assert 'id="import-skipped"' in preview and 'id="confirm-import"' in preview
    assert "跳过已在系统中结束的办件 1 件" in preview and "已结束的办件不能重新打开" in preview
    done = client.post(preview_url, {"confirm": "1"}, follow=True).content.decode()
    assert "已跳过已在系统中结束的办件 1 件" in done
    assert Case.objects.filter(province_number="SX2026112000004").exists()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
