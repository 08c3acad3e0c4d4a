"""A synthetic catalogue workbook for `tongban catalog benchmark`: N items, each with five materials
(from a shared pool, as real catalogues share 身份证 and 营业执照), six form fields and four steps."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from tongban.catalog.excel import SHEETS
from tongban.org.models import Unit

POOL = 60


def write_benchmark_workbook(path: Path, count: int) -> None:
    units = list(Unit.objects.order_by("pk").values_list("name", flat=True)[:20])
    names = [n for n in units if units.count(n) == 1]
    if not names:  # an empty database: the benchmark runs in a transaction that is rolled back
        from tongban.org.models import UnitKind

        kind = UnitKind.objects.order_by("sort_order").first()
        names = [Unit.objects.get_or_create(code="benchmark-unit", defaults={"name": "基准测试单位", "kind": kind})[0].name]
    book = Workbook(write_only=True)
    sheets = {title: book.create_sheet(title) for title in SHEETS}
    for title, columns in SHEETS.items():
        sheets[title].append([c.header for c in columns])
    for n in range(1, count + 1):
        code = f"BENCH{n:06d}"
        unit = names[n % len(names)]
        sheets["事项"].append([
            code, f"B{n % 500:05d}", f"基准事项{n}", "行政许可", "县级", unit, unit, "《某某条例》第十条", "材料齐全",
            20, 5, "不收费", "", f"基准许可证{n}", "证照", "", "政务服务中心", "工作日", "0377-1234567", "12345",
            1, "承诺件", "窗口办理、网上办理", "是", "是", "是", "是", "否",
        ])
        for m in range(5):
            pooled = (n * 7 + m * 13) % POOL
            sheets["材料"].append([code, f"bench-mat-{pooled}", f"基准材料{pooled}", "是", 1, m % 2, "否", "否", ""])
        for f in range(6):
            pooled = (n + f * 5) % 30
            sheets["表单字段"].append([code, f"bench-field-{pooled}", f"基准字段{pooled}", "文本", "是"])
        for order, name in enumerate(["受理", "审查", "决定", "送达"], start=1):
            sheets["办理环节"].append([code, order, name, "窗口", 1, ""])
    book.save(path)
