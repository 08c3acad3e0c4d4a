"""Upload checks for every app: size against settings.UPLOAD_MAX_BYTES, type by extension *and* by
content, so a renamed executable does not pass as a PDF. Call `check_upload(upload, allowed)` before
storing or parsing any uploaded file."""
from __future__ import annotations

from pathlib import PurePath

from django.conf import settings

from tongban.core.error_codes import ErrorCode, service_error

ZIP = (b"PK\x03\x04",)
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": ZIP,
    ".xlsx": ZIP,
    ".ofd": ZIP,
}
DOCUMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx", ".ofd")
WORKBOOK_TYPES = (".xlsx",)


def check_upload(upload, allowed: tuple[str, ...]) -> None:
    """Raise a coded ValidationError unless `upload` is non-empty, small enough and of an allowed type."""
    ext = PurePath(upload.name or "").suffix.lower()
    if ext not in allowed:
        raise service_error(ErrorCode.FILE_TYPE, ext=ext or "（无扩展名）", allowed="、".join(allowed))
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise service_error(
            ErrorCode.FILE_TOO_LARGE, size_mb=f"{upload.size / 1048576:.1f}", limit_mb=settings.UPLOAD_MAX_BYTES // 1048576
        )
    if not upload.size:
        raise service_error(ErrorCode.UPLOAD_EMPTY)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in SIGNATURES[ext]):
        raise service_error(ErrorCode.UPLOAD_CONTENT, ext=ext)
