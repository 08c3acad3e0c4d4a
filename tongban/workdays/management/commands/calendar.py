"""`tongban calendar import FILE | fill [--from Y --to Y] | status | clocks | benchmark`: the calendar's years,
rebuilding every stored clock (after changing a setting that feeds them, e.g. RECTIFICATION_IMMEDIATE_WORKDAYS), and
timing a fill (the timing lives here, not in the test suite: a test must not depend on the machine's speed)."""
from __future__ import annotations

import json as _json
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from tongban.workdays import clocks, services
from tongban.workdays.models import CalendarYear, Day
from tongban.workdays.schedule_file import ImportRejected


FILL_TARGET_SECONDS = 3  # 2004 through next year, from an empty calendar


class Command(BaseCommand):
    help = "工作日历：导入某年节假日安排、填充年份、查看各年状态。"
    requires_system_checks = []  # a quick answer for scripts; `tongban check` is the place for checks

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import,fill,status,clocks,benchmark}")
        load = actions.add_parser("import", help="导入节假日安排（CSV 或 .xlsx，列：日期、类型、名称）")
        load.add_argument("file", help="文件路径")
        fill = actions.add_parser("fill", help="填充年份（有官方数据的用官方数据，否则按周一至周五临时推算）")
        fill.add_argument("--from", dest="first", type=int, default=2004, help="起始年份（默认 2004）")
        fill.add_argument("--to", dest="last", type=int, default=None, help="结束年份（默认明年）")
        actions.add_parser("status", help="各年份的状态：官方安排 / 已导入 / 临时推算")
        actions.add_parser("clocks", help="按当前日历与设置重新计算所有已存储的期限（如整改措施的应完成日期）")
        bench = actions.add_parser("benchmark", help="计时填充 2004 年至明年（在回滚的事务中进行，不留数据）")
        bench.add_argument("--from", dest="first", type=int, default=2004, help="起始年份（默认 2004）")
        bench.add_argument("--to", dest="last", type=int, default=None, help="结束年份（默认明年）")
        bench.add_argument("--json", action="store_true", help="以 JSON 输出计时")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"do_{action}")(**options)

    def do_import(self, *, file: str, **options) -> None:
        try:
            report = services.import_schedule(file)
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{file}")
        except ImportRejected as rejected:
            for error in rejected.errors:
                self.stderr.write(str(error))
            raise CommandError(rejected.message)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages))
        self.stdout.write(report.summary())

    def do_fill(self, *, first: int, last: int | None, **options) -> None:
        last = last if last is not None else timezone.localdate().year + 1
        try:
            added, upgraded = services.fill_years(first, last)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages))
        self.stdout.write(f"新增 {len(added)} 个年份{_years(added)}，改用官方安排 {len(upgraded)} 个年份{_years(upgraded)}。")
        provisional = services.provisional_years(first, last)
        if provisional:
            years = "、".join(f"{year}年" for year in provisional)
            self.stderr.write(f"注意：{years}尚无节假日安排，按周一至周五临时推算，请导入该年安排。")

    def do_clocks(self, **options) -> None:
        with transaction.atomic():
            changed = clocks.recompute_all()
        for name, count in changed.items():
            self.stdout.write(f"{name}\t{count} 项期限有变化")

    def do_benchmark(self, *, first: int, last: int | None, json: bool = False, **options) -> None:
        """Fill the years into an empty calendar inside a transaction that is rolled back."""
        last = last if last is not None else timezone.localdate().year + 1
        with transaction.atomic():
            CalendarYear.objects.all().delete()
            Day.objects.all().delete()
            started = time.perf_counter()
            added = services.ensure_years(first, last)
            seconds = time.perf_counter() - started
            days = Day.objects.count()
            transaction.set_rollback(True)
        report = {"years": len(added), "days": days, "seconds": round(seconds, 3), "target_seconds": FILL_TARGET_SECONDS,
                  "within_target": seconds < FILL_TARGET_SECONDS}
        if json:
            self.stdout.write(_json.dumps(report, ensure_ascii=False))
            return
        verdict = "达标" if report["within_target"] else "未达标"
        self.stdout.write(f"填充 {first}—{last} 年（{len(added)} 个年份，{days} 天）用时 {seconds:.2f} 秒"
                          f"（目标 < {FILL_TARGET_SECONDS} 秒：{verdict}）。数据已回滚，日历未改变。")

    def do_status(self, **options) -> None:
        rows = list(CalendarYear.objects.all())
        if not rows:
            self.stdout.write("工作日历为空，请运行 tongban calendar fill。")
            return
        for row in rows:
            self.stdout.write(f"{row.year}\t{row.get_status_display()}\t{row.note}")


def _years(years: list[int]) -> str:
    return f"（{'、'.join(str(year) for year in years)}）" if years else ""
