"""`tongban workdays add 2025-09-26 5` -> 2025-10-10; `tongban workdays between A B` -> a count.

Only the answer goes to stdout, so scripts can use it; a provisional answer is flagged on stderr.
"""
from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tongban.workdays import services


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}”不是有效日期，应写作 2025-09-26 这样的格式。")


def parse_suspension(text: str) -> tuple[date, date]:
    first, _, last = text.partition(":")
    return parse_date(first), parse_date(last or first)


class Command(BaseCommand):
    help = "按工作日历计算期限（自起算日次日起计）或两日之间的工作日数。"
    requires_system_checks = []  # a quick answer for scripts; `tongban check` is the place for checks

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{add,between}")
        add = actions.add_parser("add", help="起算日之后第 N 个工作日")
        add.add_argument("start", help="起算日，例如 2025-09-26（当天不计）")
        add.add_argument("n", type=int, help="工作日数")
        between = actions.add_parser("between", help="(A, B] 之间的工作日数")
        between.add_argument("start", help="起算日 A（当天不计）")
        between.add_argument("end", help="截止日 B（当天计入）")
        for sub in (add, between):
            sub.add_argument("--suspend", action="append", default=[], metavar="开始:结束",
                             help="挂起期间（含首尾），例如 2025-10-09:2025-10-10；可重复")

    def handle(self, *args, action: str, start: str, suspend: list[str], **options) -> None:
        begin = parse_date(start)
        suspensions = [parse_suspension(text) for text in suspend]
        try:
            if action == "add":
                if options["n"] < 0:
                    raise CommandError("工作日数不能为负数。")
                result = services.add_workdays(begin, options["n"], suspensions=suspensions)
                answer, last = result.date.isoformat(), result.date
            else:
                end = parse_date(options["end"])
                result = services.workdays_between(begin, end, suspensions=suspensions)
                answer, last = str(result.days), end
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages))
        self.stdout.write(answer)
        if result.provisional:
            first, final = sorted((begin.year, last.year))
            years = "、".join(f"{year}年" for year in services.provisional_years(first, final))
            self.stderr.write(f"注意：{years}节假日安排尚未录入，结果按周一至周五推算，为临时结果。")
