"""Uploads on the rectification pages that cost more than they weigh, or say the wrong thing (issue 8):
hostile ledgers are refused before parsing with a Chinese message naming the file, an empty evidence
file is called empty, previewed uploads left unconfirmed are cleaned up, and a confirm is claimed once
however many times it is clicked."""
from __future__ import annotations

import io
import os
import threading
import time
import zipfile

import pytest
from django.test import Client

from tongban.rectification.models import ImportRun, Measure, ProgressUpdate
from tongban.rectification.tests.conftest import upload
from tongban.rectification.tests.test_importing import good_rows, messy_ledger

pytestmark = pytest.mark.django_db


def whitespace_bomb(megabytes: int = 300) -> bytes:
    """A real ledger .xlsx with a shared-string table holding `megabytes` MB of blanks (every reader loads
    that table when it opens the workbook): a few hundred KB packed."""
    source = zipfile.ZipFile(io.BytesIO(messy_ledger(good_rows()).getvalue()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                target.writestr(item, source.read(item.filename))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as handle:
            handle.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
                         b'uniqueCount="1"><si><t xml:space="preserve">')
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                handle.write(block)
            handle.write(b"</t></si></sst>")
    return buffer.getvalue()


def one_cell_in_column_xfd() -> bytes:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(messy_ledger(good_rows()).getvalue()))
    book.active["XFD3"] = " "
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload(client, name: str, content: bytes):
    return client.post("/rectification/import/", {"file": upload(name, content)})


def test_a_small_xlsx_holding_300_mb_of_blanks_is_refused_before_parsing(county, personas, client_for, settings):
    content = whitespace_bomb(300)
    assert len(content) < 1_000_000  # it weighs less than a megabyte
    client = client_for(personas.rectification_office)
    response = _upload(client, "台账.xlsx", content)
    assert response.status_code == 200
    html = response.content.decode()
    assert "表格文件“台账.xlsx”解压后约" in html and "超过上限 50 MB" in html
    assert not (settings.MEDIA_ROOT / "imports").exists() or not list((settings.MEDIA_ROOT / "imports").iterdir())


def test_a_sheet_reaching_column_xfd_is_refused_with_the_column_named(county, personas, client_for):
    client = client_for(personas.rectification_office)
    html = _upload(client, "台账.xlsx", one_cell_in_column_xfd()).content.decode()
    assert "用到了第 16384 列（XFD 列），超过上限 200 列" in html


def test_the_limits_are_settings(county, personas, client_for, settings):
    settings.SPREADSHEET_MAX_ROWS = 5
    client = client_for(personas.rectification_office)
    html = _upload(client, "台账.xlsx", messy_ledger(good_rows()).getvalue()).content.decode()
    assert "用到了第 9 行，超过上限 5 行" in html


def test_a_zip_named_xlsx_is_refused_as_no_spreadsheet(county, personas, client_for):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "x")
    html = _upload(client_for(personas.rectification_office), "台账.xlsx", buffer.getvalue()).content.decode()
    assert "文件“台账.xlsx”的内容不是 .xlsx 文件（无法识别的内容）" in html


def test_a_web_page_saved_as_xls_is_called_a_web_page(county, personas, client_for):
    content = "<html><body><table><tr><td>整改措施</td></tr></table></body></html>".encode()
    html = _upload(client_for(personas.rectification_office), "台账.xls", content).content.decode()
    assert "文件“台账.xls”的内容不是 .xls 文件（网页）" in html


def test_parse_errors_are_chinese_and_name_the_file(tmp_path):
    from tongban.rectification.ledger_parsing import parse_ledger

    broken = messy_ledger(good_rows()).getvalue()
    broken = broken[: len(broken) // 2]  # cut off: the zip's directory is gone
    path = tmp_path / "半截台账.xlsx"
    path.write_bytes(broken)
    [error] = parse_ledger(str(path)).errors
    assert error["message"].startswith("文件“半截台账.xlsx”") or error["message"].startswith("无法读取表格文件“半截台账.xlsx”")
    assert not any(word in error["message"] for word in ("Error", "error", "zip file"))


# --- evidence ------------------------------------------------------------------------------------------


def test_an_empty_evidence_file_is_called_empty(ledger, personas, client_for):
    client = client_for(personas.section_chief)
    url = ledger.section_measure.get_absolute_url()
    response = client.post(f"{url}progress/", {"text": "已印发", "files": [upload("通知.pdf", b"")]}, follow=True)
    html = response.content.decode()
    assert "文件“通知.pdf”是空文件。" in html and "请填写整改进展情况" not in html
    assert not ProgressUpdate.objects.filter(measure=ledger.section_measure).exists()


# --- previewed, never confirmed --------------------------------------------------------------------------


def test_unconfirmed_uploads_are_removed_after_a_day_by_the_daily_job(county, personas, client_for, settings):
    from datetime import date

    from tongban.jobs.services import run_job

    client = client_for(personas.rectification_office)
    old = _upload(client, "旧台账.xlsx", messy_ledger(good_rows()).getvalue())["Location"]
    new = _upload(client, "新台账.xlsx", messy_ledger(good_rows()).getvalue())["Location"]
    folder = settings.MEDIA_ROOT / "imports"
    old_file = folder / f"{old.rstrip('/').rsplit('/', 1)[-1]}.xlsx"
    new_file = folder / f"{new.rstrip('/').rsplit('/', 1)[-1]}.xlsx"
    two_days_ago = time.time() - 2 * 86400
    os.utime(old_file, (two_days_ago, two_days_ago))

    run = run_job("core.remove_stale_uploads", date(2026, 11, 23), trigger="cli")
    assert run.result == {"removed": 1}
    assert not old_file.exists() and new_file.exists()
    assert client.get(old).status_code == 404
    again = run_job("core.remove_stale_uploads", date(2026, 11, 23), trigger="cli", force=True)
    assert again.result == {"removed": 0} and new_file.exists()


# --- twenty clicks on 确认导入 ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_confirms_make_one_import_run(county, personas, client_for, settings):
    from tongban.conftest import PASSWORD

    office = personas.rectification_office
    client = client_for(office)
    preview = _upload(client, "台账.xlsx", messy_ledger(good_rows()).getvalue())["Location"]
    cookies = client.cookies
    barrier = threading.Barrier(20)
    answers: list[tuple[int, str]] = []

    def confirm():
        from django.db import connection

        own = Client()
        own.cookies = cookies
        try:
            barrier.wait()
            response = own.post(preview, {"confirm": "1"})
            answers.append((response.status_code, response.get("Location", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert PASSWORD
    run = ImportRun.objects.get()
    assert run.status == "succeeded" and run.by == office
    assert sorted({status for status, _ in answers}) == [302]
    assert {location for _, location in answers} == {run.get_absolute_url()}
    assert Measure.objects.count() == 4
