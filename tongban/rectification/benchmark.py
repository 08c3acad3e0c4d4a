"""`tongban ledger benchmark`: a generated N-row ledger, parsed and imported, timed against a reference
operation in the same run (openpyxl loading the same file), so the ratio means something on any machine.
Everything happens inside a transaction that is rolled back: the database is left as it was."""
from __future__ import annotations

import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction
from openpyxl import Workbook, load_workbook

from tongban.org.models import Unit, UnitKind
from tongban.rectification.ledger_parsing import ledger_columns

TARGET_SECONDS = 5
PARSE_TARGET_SECONDS = 2  # 5,000 rows parsed (was a test's CPU-time assertion; a test must not depend on speed)
DEADLINES = ("{y}年{m}月{d}日前", "{y}.{m}.{d}", "{y}-{m:02d}-{d:02d}", "立行立改", "长期坚持", "{m}月底前")
STATUSES = ("已完成", "整改中", "持续整改", "已整改到位", "未启动", "整改中")


def write_ledger(path: Path, rows: int, unit_names: list[str], year: int = 2023) -> None:
    """A ledger shaped like the ones offices keep: title, header, aspects merged over their rows."""
    columns = [column.header for column in ledger_columns()]
    book = Workbook()
    sheet = book.active
    sheet.append([f"{year}年县委巡察反馈问题整改台账（基准测试）"])
    sheet.append(columns)
    per_aspect = max(4, rows // 10 // 4 * 4)  # whole findings (4 rows each) per aspect, at any size
    start = date(year, 7, 1)
    for index in range(rows):
        aspect, finding = index // per_aspect, index // 4
        day = start + timedelta(days=index % 150)
        deadline = DEADLINES[index % len(DEADLINES)].format(y=day.year, m=day.month, d=day.day)
        values = {
            "seq": index + 1,
            "aspect": f"（{aspect + 1}）第{aspect + 1}方面问题" if index % per_aspect == 0 else None,
            "finding_kind": "意见建议" if aspect == 9 else "问题",
            "finding": f"反馈问题{finding + 1}：工作落实不到位" if index % 4 == 0 else None,
            "measure_text": f"整改措施{index + 1}：建立台账，明确责任，限期整改",
            "lead_unit_name": unit_names[index % len(unit_names)],
            "coordinating_unit_names": unit_names[(index + 1) % len(unit_names)] if index % 3 == 0 else "",
            "supporting_unit_names": "",
            "leader_name": "",
            "person_name": f"经办人{index % 50}",
            "deadline": deadline,
            "status": STATUSES[index % len(STATUSES)],
            "progress_text": "已按计划推进" if index % 2 else "",
        }
        sheet.append([values[column.field] for column in ledger_columns()])
    for aspect_start in range(0, rows, per_aspect):
        last = min(rows, aspect_start + per_aspect)
        if last - aspect_start > 1:
            sheet.merge_cells(start_row=3 + aspect_start, start_column=2, end_row=2 + last, end_column=2)
    book.save(path)


def _benchmark_units() -> list[str]:
    """Twenty units to assign measures to, created inside the rolled-back transaction."""
    kind = UnitKind.objects.filter(code="section").first() or UnitKind.objects.create(code="section", name="股室")
    root = Unit.objects.create(code="bench-root", name="基准测试中心", kind=kind)
    names = [f"基准测试单位{i:02d}" for i in range(1, 21)]
    for i, name in enumerate(names, start=1):
        Unit.objects.create(code=f"bench-{i:02d}", name=name, kind=kind, parent=root)
    return names


def run_benchmark(rows: int = 5000) -> dict:
    from tongban.rectification.importing import import_ledger
    from tongban.rectification.ledger_parsing import parse_ledger

    with tempfile.TemporaryDirectory() as folder, transaction.atomic():
        path = Path(folder) / "ledger.xlsx"
        write_ledger(path, rows, _benchmark_units())
        started = time.perf_counter()
        load_workbook(path).close()
        reference = time.perf_counter() - started

        started = time.perf_counter()
        parsed = parse_ledger(str(path))
        parsed_at = time.perf_counter()
        result = import_ledger(parsed)
        finished = time.perf_counter()
        transaction.set_rollback(True)
    total = finished - started
    if result.errors:
        raise RuntimeError(f"基准台账导入失败：{result.errors[:3]}")
    return {
        "rows": rows, "measures": result.measures, "created": result.created,
        "parse_seconds": round(parsed_at - started, 3), "import_seconds": round(finished - parsed_at, 3),
        "total_seconds": round(total, 3), "reference_seconds": round(reference, 3),
        "ratio": round(total / reference, 2) if reference else None,
        "target_seconds": TARGET_SECONDS, "within_target": total < TARGET_SECONDS,
        "parse_target_seconds": PARSE_TARGET_SECONDS, "parse_within_target": parsed_at - started < PARSE_TARGET_SECONDS,
    }
