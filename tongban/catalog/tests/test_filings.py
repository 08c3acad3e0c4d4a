"""备案材料 uploads (issue 8): stored under a generated name whatever the user called the file, and
checked by their container's content type, not only by their first bytes."""
from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.catalog import services
from tongban.catalog.models import FilingDocument

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "这不是表格")
    return buffer.getvalue()


def test_a_chinese_file_name_longer_than_255_bytes_is_stored_under_a_generated_name(agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = "关于" + "某某测绘有限公司资质及人员情况" * 8 + "的备案材料.pdf"
    assert len(name.encode()) > 255
    filing = services.add_filing(agency, title="", upload=SimpleUploadedFile(name, PDF))
    stored = tmp_path / filing.file.name
    assert stored.read_bytes() == PDF
    assert len(stored.name.encode()) < 60 and stored.suffix == ".pdf"
    assert filing.original_name == name[:200] and filing.title == name[:200]


def test_the_download_gives_the_original_name_back(agency, settings, tmp_path, personas, client_for):
    settings.MEDIA_ROOT = tmp_path
    filing = services.add_filing(agency, title="营业执照", upload=SimpleUploadedFile("营业执照副本.pdf", PDF))
    response = client_for(personas.director).get(filing.get_absolute_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%E5%89%AF%E6%9C%AC.pdf" in response["Content-Disposition"]


def test_a_zip_named_xlsx_is_refused(agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as error:
        services.add_filing(agency, title="x", upload=SimpleUploadedFile("报表.xlsx", plain_zip()))
    assert error.value.code == "upload_container"
    assert "报表.xlsx" in error.value.messages[0]
    assert not FilingDocument.objects.exists() and not list(tmp_path.rglob("*.*"))


def test_a_zip_named_docx_is_refused(agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as error:
        services.add_filing(agency, title="x", upload=SimpleUploadedFile("说明.docx", plain_zip()))
    assert error.value.code == "upload_container"


def test_a_real_docx_and_xlsx_are_accepted(agency, settings, tmp_path):
    from tongban.rectification.tests.conftest import docx_bytes, xlsx_bytes

    settings.MEDIA_ROOT = tmp_path
    services.add_filing(agency, title="说明", upload=SimpleUploadedFile("说明.docx", docx_bytes()))
    services.add_filing(agency, title="报表", upload=SimpleUploadedFile("报表.xlsx", xlsx_bytes()))
    assert FilingDocument.objects.count() == 2


def test_an_empty_filing_says_the_file_is_empty(agency, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as error:
        services.add_filing(agency, title="x", upload=SimpleUploadedFile("空白.pdf", b""))
    assert error.value.messages == ["文件“空白.pdf”是空的（0 字节），请重新选择文件。"]
