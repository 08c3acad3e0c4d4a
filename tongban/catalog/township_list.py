"""Reading the provincial township list (e.g. the 154-item 乡镇和村级政务服务清单) from CSV or Excel.

Columns: 基本编码, 事项名称 (a header row is recognised by "编码" and skipped). All-or-nothing: every bad
row is reported with its row number and nothing is loaded.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from django.core.exceptions import ValidationError

from tongban.core.spreadsheets import SpreadsheetError, read_workbook
from tongban.core.uploads import WORKBOOK_TYPES


class TownshipListRejected(ValidationError):
    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__(f"乡镇事项清单导入失败，共 {len(errors)} 处错误，未做任何修改。", code="township_list_rejected")


def _rows(path: Path) -> list[list[str]]:
    if path.suffix.lower() in WORKBOOK_TYPES:
        try:
            sheets = read_workbook(path)
        except SpreadsheetError as exc:
            raise TownshipListRejected([{"row": None, "message": exc.messages[0]}])
        rows = sheets[0].rows if sheets else []
        return [["" if v is None else str(v).strip() for v in row] for row in rows]
    if path.suffix.lower() == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise TownshipListRejected([{"row": None, "message": "无法识别文件编码，请另存为 UTF-8 或 GBK 的 CSV。"}])
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    raise TownshipListRejected([{"row": None, "message": f"不支持的文件类型“{path.suffix}”，请上传 .xlsx、.xls、.et、.ods 或 .csv 文件。"}])


def read_township_list(path: Path | str) -> list[tuple[str, str]]:
    """(basic_code, name) in file order, or TownshipListRejected with every error by row number."""
    rows = _rows(Path(path))
    entries: list[tuple[str, str]] = []
    errors: list[dict] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows, start=1):
        cells = (cells + ["", ""])[:2]
        code, name = cells
        if not code and not name:
            continue
        if number == 1 and "编码" in code:
            continue
        if not code:
            errors.append({"row": number, "message": "缺少基本编码。"})
            continue
        if not name:
            errors.append({"row": number, "message": f"基本编码 {code} 缺少事项名称。"})
            continue
        if code in seen:
            errors.append({"row": number, "message": f"基本编码 {code} 与第 {seen[code]} 行重复。"})
            continue
        seen[code] = number
        entries.append((code, name))
    if errors:
        raise TownshipListRejected(errors)
    if not entries:
        raise TownshipListRejected([{"row": None, "message": "文件中没有任何事项。"}])
    return entries
