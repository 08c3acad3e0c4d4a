"""`tongban jobs run daily --date 2026-11-23` (or weekly / monthly / due / one job's name), `tongban jobs list`."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from tongban.jobs import schedule, services
from tongban.jobs.choices import Outcome, Trigger
from tongban.jobs.registry import all_jobs


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{value}”格式不对，应为 YYYY-MM-DD，例如 2026-11-23")


class Command(BaseCommand):
    help = "定时任务：list 列出已登记的任务；run 按日期手动运行（daily / weekly / monthly / due / 任务代码）。"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,run}")
        actions.add_parser("list", help="列出已登记的任务")
        run = actions.add_parser("run", help="运行一组任务或一个任务；同一周期已完成的不会重复运行")
        run.add_argument("target", help="daily、weekly、monthly、due（按日程应运行的全部任务）或任务代码")
        run.add_argument("--date", type=iso_date, default=None, help="运行哪一天（默认今天，北京时间）")
        run.add_argument("--force", action="store_true", help="本周期已完成的也重新运行")

    def handle(self, *args, action: str, **options):
        if action == "list":
            return self.list_jobs()
        return self.run(options["target"], options["date"] or schedule.today(), force=options["force"])

    def list_jobs(self) -> None:
        jobs = all_jobs()
        for spec in jobs.values():
            self.stdout.write(f"{spec.name}\t{spec.frequency_label}\t{spec.title}")
        self.stdout.write(f"共 {len(jobs)} 个任务。")

    def run(self, target: str, for_date: date, *, force: bool) -> None:
        try:
            reports = services.run_target(target, for_date, trigger=Trigger.CLI, force=force)
        except ValidationError as exc:
            self.stderr.write(exc.messages[0])
            sys.exit(2)
        for report in reports:
            self.stdout.write(self.line(report))
        failed = [report for report in reports if report.outcome == Outcome.FAILED]
        if failed:
            self.stderr.write(f"{len(failed)} 个任务运行失败，错误详情见任务页面（/jobs/）。")
            sys.exit(1)
        if not reports:
            self.stdout.write("没有要运行的任务。")

    @staticmethod
    def line(report: services.JobReport) -> str:
        spec, run = report.spec, report.run
        text = f"{report.outcome_label}：{spec.title}（{spec.name}）"
        if run is None:
            return text
        text += f" 周期 {run.period_key.isoformat()}"
        if report.outcome == Outcome.FAILED:
            last = run.error.strip().splitlines()[-1] if run.error.strip() else ""
            return f"{text}，错误：{last}"
        if report.outcome in (Outcome.RAN, Outcome.SKIPPED) and run.result:
            return f"{text}，结果：{json.dumps(run.result, cls=DjangoJSONEncoder, ensure_ascii=False)}"
        return text
