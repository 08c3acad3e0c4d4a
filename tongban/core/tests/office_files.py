"""Real .xls, .et and .ods files for tests: LibreOffice (headless Calc) converts workbooks written with
openpyxl, the way an office's own software would have saved them. One soffice run per batch."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

FILTERS = {"xls": "xls:MS Excel 97", "ods": "ods:calc8"}


def convert(sources: list[Path], fmt: str, folder: Path) -> list[Path]:
    """Convert every `sources` workbook to `fmt` ("xls", "ods" or "et", an .xls saved under WPS's
    extension) in `folder`; fails the test if LibreOffice Calc cannot."""
    if shutil.which("soffice") is None:
        pytest.fail("需要 LibreOffice（soffice，含 Calc）来生成 .xls / .ods 测试文件：运行 scripts/ensure-chromium.sh")
    target = "xls" if fmt == "et" else fmt
    folder.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{folder}/lo-profile", "--convert-to",
         FILTERS[target], "--outdir", str(folder), *map(str, sources)],
        capture_output=True, text=True, timeout=180,
    )
    converted = []
    for source in sources:
        path = folder / f"{source.stem}.{target}"
        if not path.is_file():
            pytest.fail(f"LibreOffice 未能把 {source.name} 转为 .{target}（是否安装了 libreoffice-calc-nogui？）："
                        f"{result.stdout[-500:]} {result.stderr[-500:]}")
        if fmt == "et":
            path = path.rename(path.with_suffix(".et"))
        converted.append(path)
    return converted
