"""Render .docx files to PDF with LibreOffice and read back how full each page is (pdftotext per page).

Used by the builder's tests here and by every app that generates a 公文 (rectification's reports), so
"prints right" means the same everywhere: no page but the last carries fewer than a third of its 22 lines.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tongban.documents.gongwen import LINES_PER_PAGE

MIN_LINES = LINES_PER_PAGE / 3  # a page (but the last) with fewer text lines than this is "near empty"
PAGE_NUMBER = re.compile(r"^\s*—\s*\d+\s*—\s*$")
CONVERT_TIMEOUT = 600  # generous: LibreOffice is slow on a busy machine, and speed is not what is tested


def libreoffice_missing() -> bool:
    return shutil.which("soffice") is None or shutil.which("pdftotext") is None


def require_libreoffice() -> None:
    """Skip where LibreOffice is not installed; in CI (which installs it) its absence is a failure."""
    if libreoffice_missing():
        message = "LibreOffice (soffice) and poppler-utils (pdftotext) are needed to render 公文 to PDF"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def render_pdfs(docx_paths: list[Path], outdir: Path) -> list[Path]:
    """One soffice run for all the files (each start costs seconds); returns the PDFs in the same order."""
    require_libreoffice()
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{outdir}/lo-profile", "--convert-to", "pdf",
         "--outdir", str(outdir), *map(str, docx_paths)],
        check=True, capture_output=True, timeout=CONVERT_TIMEOUT,
    )
    return [outdir / f"{path.stem}.pdf" for path in docx_paths]


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def page_texts(pdf: Path) -> list[list[str]]:
    """Each page's non-blank text lines, the page number ("— 1 —") left out."""
    pages = []
    for number in range(1, page_count(pdf) + 1):
        text = subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              check=True, capture_output=True, text=True).stdout
        pages.append([line for line in text.splitlines() if line.strip() and not PAGE_NUMBER.match(line)])
    return pages


def lines_per_page(pdf: Path) -> list[int]:
    return [len(lines) for lines in page_texts(pdf)]


def near_empty_pages(counts: list[int]) -> list[int]:
    """1-based numbers of the pages, the last excepted, with fewer than a third of a page's lines."""
    return [number for number, lines in enumerate(counts[:-1], start=1) if lines < MIN_LINES]
