"""`tongban calendar import FILE | fill [--from Y --to Y] | status | clocks`: the calendar's years, and
rebuilding every stored clock (after changing a setting that feeds them, e.g. RECTIFICATION_IMMEDIATE_WORKDAYS)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from tongban.workdays import clocks, services
from tongban.workdays.models import CalendarYear
from tongban.workdays.schedule_file import ImportRejected


class Command(BaseCommand):
    help = "工作日历：导入某年节假日安排、填充年份、查看各年状态。"
    requires_system_checks = []  # a quick answer for scripts; `tongban check` is the place for checks

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import,fill,status,clocks}")
        load = actions.add_parser("import", help="导入节假日安排（CSV 或 .xlsx，列：日期、类型、名称）")
        load.add_argument("file", help="文件路径")
        fill = actions.add_parser("fill", help="填充年份（有官方数据的用官方数据，否则按周一至周五临时推算）")
        fill.add_argument("--from", dest="first", type=int, default=2004, help="起始年份（默认 2004）")
        fill.add_argument("--to", dest="last", type=int, default=None, help="结束年份（默认明年）")
        actions.add_parser("status", help="各年份的状态：官方安排 / 已导入 / 临时推算")
        actions.add_parser("clocks", help="按当前日历与设置重新计算所有已存储的期限（如整改措施的应完成日期）")

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

    def do_status(self, **options) -> None:
        rows = list(CalendarYear.objects.all())
        if not rows:
            self.stdout.write("工作日历为空，请运行 tongban calendar fill。")
            return
        for row in rows:
            self.stdout.write(f"{row.year}\t{row.get_status_display()}\t{row.note}")


def _years(years: list[int]) -> str:
    return f"（{'、'.join(str(year) for year in years)}）" if years else ""
