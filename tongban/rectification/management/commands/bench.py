"""`tongban bench ledger [--measures 20000] [--items 2000] [--runs 3] [--json]`: the rectification ledger
at a county's scale, every page, export and job timed beside a reference (see rectification/bench.py)."""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "性能基准：生成大规模数据（结束后回滚），逐页计时并与参照操作比较。"

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{ledger,intake,cases}")
        ledger = actions.add_parser("ledger", help="整改台账：页面、导出与日/周/月任务，与参照操作比较（结束后回滚）")
        ledger.add_argument("--measures", type=int, default=20000, help="整改措施数（默认 20000）")
        ledger.add_argument("--items", type=int, default=2000, help="事项目录的事项数（默认 2000；0 为不测目录导出）")
        ledger.add_argument("--runs", type=int, default=3, help="每项计时次数，取最好成绩（默认 3）")
        ledger.add_argument("--json", action="store_true", help="以 JSON 输出")
        intake = actions.add_parser("intake", help="收件登记：并发收件的速度与重复办件编号（cases/bench.py）")
        intake.add_argument("--intakes", type=int, default=2000, help="收件数（默认 2000）")
        intake.add_argument("--workers", type=int, default=20, help="并发数（默认 20）")
        intake.add_argument("--json", action="store_true", help="以 JSON 输出")
        cases = actions.add_parser("cases", help="办件列表：大量办件下待审查、领导列表与按编号搜索的 p50 / p95（cases/bench.py）")
        cases.add_argument("--cases", type=int, default=1_000_000, help="办件数（默认 1000000）")
        cases.add_argument("--clients", type=int, default=20, help="并发数（默认 20）")
        cases.add_argument("--requests", type=int, default=400, help="请求总数（默认 400）")
        cases.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, action: str, **options) -> None:
        if action == "intake":
            return self.intake(**options)
        if action == "cases":
            return self.cases(**options)
        from tongban.rectification.bench import (
            EXPORT_GOAL_RATIO,
            FLOOR_PAGE,
            PAGE_GOAL_MS,
            PAGE_GOAL_RATIO,
            run_bench,
        )

        as_json = options["json"]
        report = run_bench(options["measures"], items=options["items"], runs=options["runs"],
                           log=(lambda text: self.stderr.write(text)) if as_json else self.stdout.write)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"\n数据库 {report['database']}，整改措施 {report['measures']} 项（生成 {report['build_seconds']} 秒，已回滚）")
        floors = "、".join(f"{role} {ms} 毫秒" for role, ms in report["floor_ms"].items())
        self.stdout.write(f"最轻的登录后页面（{FLOOR_PAGE}）：{floors}")
        for section, title in (("pages", "页面"), ("exports", "导出"), ("jobs", "任务")):
            self.stdout.write(f"\n{title}（毫秒 / 参照毫秒 = 倍数）")
            for name, row in report[section].items():
                self.stdout.write(f"  {row['ms']:>9.1f} / {row['reference_ms']:>8.1f} = {row['ratio']:>6}  {name}")
        self.stdout.write(
            f"\n目标：页面 ≤ {PAGE_GOAL_MS} 毫秒且 ≤ 参照的 {PAGE_GOAL_RATIO} 倍："
            f"{'达标' if report['goals']['pages'] else '未达标'}；导出 ≤ 参照的 {EXPORT_GOAL_RATIO} 倍："
            f"{'达标' if report['goals']['exports'] else '未达标'}。"
        )

    def intake(self, **options) -> None:
        from tongban.cases.bench import GOAL_PER_SECOND, run_intake_bench

        as_json = options["json"]
        report = run_intake_bench(max(options["intakes"], 1), max(options["workers"], 1),
                                  log=(lambda text: self.stderr.write(text)) if as_json else self.stdout.write)
        if as_json:
            self.stdout.write(json.dumps({k: report[k] for k in ("intakes", "seconds", "per_second", "duplicates")}))
            return
        self.stdout.write(f"数据库 {report['database']}：{report['per_second']} 件/秒（参照 ≥ {GOAL_PER_SECOND} 件/秒），"
                          f"重复编号 {report['duplicates']}（参照 0）")

    def cases(self, **options) -> None:
        from tongban.cases.bench import PAGE_GOAL_P95_MS, run_cases_bench

        as_json = options["json"]
        report = run_cases_bench(max(options["cases"], 1), max(options["clients"], 1), max(options["requests"], 1),
                                 log=(lambda text: self.stderr.write(text)) if as_json else self.stdout.write)
        if as_json:
            self.stdout.write(json.dumps({k: report[k] for k in ("cases", "p50_ms", "p95_ms")}))
            return
        self.stdout.write(f"数据库 {report['database']}：p50 {report['p50_ms']} 毫秒，p95 {report['p95_ms']} 毫秒"
                          f"（参照 p95 ≤ {PAGE_GOAL_P95_MS} 毫秒）")
