"""The one upload check of every app: type by extension *and* by content (the container's own content
type, not only its first bytes: a zip named .xlsx is no workbook), size against
settings.UPLOAD_MAX_BYTES, empty files refused by name. Call `check_upload(upload, allowed)` before
storing any uploaded file, and `check_workbook_upload(upload)` before importing a spreadsheet: it also
checks what the file unpacks to and how far its sheets reach (`tongban.core.spreadsheets`), so a small
file that would cost gigabytes to parse is refused with a clear message before any parser sees it.

Uploaded files are stored under generated names (`stored_name`): a user's file name — possibly longer
than the file system allows — is kept as data on the record, never used as a path.
"""
from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import PurePath

from django.conf import settings

from tongban.core.error_codes import ErrorCode, service_error
from tongban.core.spreadsheets import SPREADSHEET_TYPES, WorkbookInfo, detect_format, inspect_workbook

MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".zip": (b"PK\x03\x04",),  # an archive package to verify (archives); its unpacked size is checked there
}
# Zip containers and the content type their [Content_Types].xml must declare for their main part.
OOXML_MAIN = {
    ".docx": b"wordprocessingml.document.main+xml",
    ".xlsx": b"spreadsheetml.sheet.main+xml",
}
TEXT_TYPES = (".csv",)  # plain text: checked for NUL bytes (the importer decodes it: UTF-8 or GB18030)
DOCUMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".ofd")
WORKBOOK_TYPES = SPREADSHEET_TYPES  # .xlsx, .xls, .et (WPS), .ods
CONTENT_NAMES = {"xlsx": "Excel 工作簿", "xls": "Excel 97-2003 / WPS 工作簿", "ods": "OpenDocument 表格",
                 "html": "网页", None: "无法识别的内容"}


def extension(name: str | None) -> str:
    return PurePath(name or "").suffix.lower()


def stored_name(original: str | None, *, prefix: str = "") -> str:
    """A generated file name keeping only the (short, known) extension of the user's file name."""
    ext = extension(original)
    ext = ext if len(ext) <= 8 and ext[1:].isalnum() else ""
    return f"{prefix}{uuid.uuid4().hex}{ext}"


def _read_all(upload) -> bytes:
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return data


def check_upload(upload, allowed: tuple[str, ...]) -> str:
    """Raise a coded ValidationError unless `upload` is non-empty, small enough and really of an
    allowed type; return its extension."""
    ext = extension(upload.name)
    name = PurePath(upload.name or "").name
    if ext not in allowed:
        raise service_error(ErrorCode.FILE_TYPE, ext=ext or "（无扩展名）", allowed="、".join(allowed))
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise service_error(
            ErrorCode.FILE_TOO_LARGE, size_mb=f"{upload.size / 1048576:.1f}", limit_mb=settings.UPLOAD_MAX_BYTES // 1048576
        )
    if not upload.size:
        raise service_error(ErrorCode.UPLOAD_EMPTY, name=name)
    if ext in TEXT_TYPES:
        upload.seek(0)
        head = upload.read(65536)
        upload.seek(0)
        if b"\x00" in head:  # text has no NUL bytes; a workbook or a program renamed .csv has
            raise service_error(ErrorCode.UPLOAD_CONTAINER, name=name, ext=ext, found="二进制文件")
        return ext
    if ext in MAGIC:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(MAGIC[ext]):
            raise service_error(ErrorCode.UPLOAD_CONTENT, ext=ext)
        return ext
    found = _container(ext, _read_all(upload))
    if ext in SPREADSHEET_TYPES and set(allowed) <= set(SPREADSHEET_TYPES):
        # An import reads by content: a real .xls saved under .xlsx (as some systems do) is fine.
        if found not in ("xlsx", "xls", "ods"):
            raise service_error(ErrorCode.UPLOAD_CONTAINER, name=name, ext=ext, found=CONTENT_NAMES.get(found, found))
    elif found != ext.lstrip("."):
        raise service_error(ErrorCode.UPLOAD_CONTAINER, name=name, ext=ext,
                            found=CONTENT_NAMES.get(found, "无法识别的内容"))
    return ext


def _container(ext: str, data: bytes) -> str | None:
    """What the bytes really are, for the container types: "xlsx", "xls", "ods", "docx", "ofd", "html"."""
    if ext == ".docx" or ext == ".ofd":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
                if ext == ".ofd":
                    return "ofd" if "OFD.xml" in names else None
                if "[Content_Types].xml" in names and OOXML_MAIN[".docx"] in archive.read("[Content_Types].xml"):
                    return "docx"
        except (zipfile.BadZipFile, OSError, KeyError):
            return None
        return detect_format(data)
    found = detect_format(data)
    if ext in (".xls", ".et") and found == "xls":
        return ext.lstrip(".")
    return found


def check_workbook_upload(upload) -> WorkbookInfo:
    """`check_upload` for a spreadsheet to import, then its unpacked size and sheet dimensions."""
    check_upload(upload, WORKBOOK_TYPES)
    return inspect_workbook(_read_all(upload), PurePath(upload.name or "").name)
