"""`tongban feedback sample [--month 2026-10]` draws a month's 回访 sample (the job `feedback.callback_sample`
by hand; a window sampled stays as it was); `tongban feedback hotline FILE` imports 12345 work orders from a
CSV or spreadsheet export (all rows or none, idempotent by order number); `tongban feedback figures
[--month 2026-10]` prints the month's published figures."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tongban.core.months import MonthError, parse_month
from tongban.feedback import importing, sampling, selectors


def _month(value: str | None) -> date:
    try:
        return parse_month(value, sampling.previous_month(timezone.localdate()))
    except MonthError as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    help = "好差评与回访：sample 回访抽样；hotline 导入 12345 工单；figures 月度公示数字。"

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{sample,hotline,figures}")
        sample = actions.add_parser("sample", help="抽取某月（默认上月）办结件的回访样本")
        sample.add_argument("--month", help="月份，如 2026-10")
        hotline = actions.add_parser("hotline", help="导入 12345 工单（CSV、.xlsx、.xls、.et、.ods）")
        hotline.add_argument("file")
        figures = actions.add_parser("figures", help="某月（默认上月）的好差评公示数字")
        figures.add_argument("--month", help="月份，如 2026-10")
        for sub in (sample, hotline, figures):
            sub.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, action: str, **options) -> None:
        if action == "sample":
            result = sampling.sample_month(_month(options.get("month")))
            text = f"{result['month']} 回访抽样：新增 {result['samples']} 个窗口、{result['items']} 件"
        elif action == "hotline":
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"找不到文件“{path}”。")
            try:
                rows = importing.read_table(path.read_bytes(), path.name)
            except ValidationError as exc:
                raise CommandError("；".join(exc.messages)) from exc
            preview = importing.preview(rows)
            if preview.errors:
                raise CommandError("；".join(preview.errors))
            result = importing.run(preview, by=None)
            text = f"导入 12345 工单：新增 {result['created']} 件，已有 {result['updated']} 件"
        else:
            section = selectors.bulletin_section(_month(options.get("month")))
            figures = section["figures"]
            result = {"month": f"{figures.month:%Y-%m}", "total": figures.total, "bad": figures.bad,
                      "average_score": figures.average_score, "on_time_rate": figures.on_time_rate}
            text = section["text"]
        self.stdout.write(json.dumps(result, ensure_ascii=False) if options.get("json") else text)
