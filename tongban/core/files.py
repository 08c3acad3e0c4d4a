"""Serving a stored upload (evidence, filings) to the person who may see it: as a download, or opened in the
browser for the types a browser shows by itself (PDF, JPEG, PNG) with headers that keep it harmless.

- `Content-Disposition: inline` (or `attachment`) with the original name, RFC 6266 encoded;
- the content type from the checked extension, never guessed from the name the uploader chose;
- `X-Content-Type-Options: nosniff`, so a file is never run as something else;
- a Content-Security-Policy: `sandbox` for PDFs (scripts and forms inside a PDF run in an opaque origin, with
  no access to the session), and nothing but the image itself for images.
"""
from __future__ import annotations

from pathlib import PurePath

from django.http import FileResponse

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
}
INLINE_POLICIES = {
    "pdf": "sandbox",
    "jpg": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    "jpeg": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    "png": "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
}


def opens_inline(name_or_extension: str) -> bool:
    return _extension(name_or_extension) in INLINE_POLICIES


def stored_file_response(handle, *, filename: str, extension: str = "", inline: bool = False) -> FileResponse:
    """A streamed response for an opened stored file; `inline` only takes effect for PDF and images."""
    ext = _extension(extension or filename)
    show = inline and ext in INLINE_POLICIES
    response = FileResponse(handle, as_attachment=not show, filename=filename,
                            content_type=CONTENT_TYPES.get(ext, "application/octet-stream"))
    response["X-Content-Type-Options"] = "nosniff"
    if show:
        response["Content-Security-Policy"] = INLINE_POLICIES[ext]
    return response


def _extension(value: str) -> str:
    value = (value or "").lower()
    return PurePath(value).suffix.lstrip(".") if "." in value else value
