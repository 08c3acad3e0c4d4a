"""`tongban supervision scan [--date 2026-11-30] [--full] [--json]`: the daily scan by hand (the same work as
the job `supervision.daily_scan`: clocks, cards, 督办单, escalation, measures), for a missed day or a check."""
from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tongban.supervision import services


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期“{value}”无效，请按 2026-11-30 的格式填写。") from exc


class Command(BaseCommand):
    help = "电子监察：scan 扫描某一天的全部时钟（临期、超期、亮牌、督办单、升级、整改措施）。"

    def add_arguments(self, parser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{scan}")
        scan = actions.add_parser("scan", help="扫描某一天（默认今天），同日重复运行不改变任何东西")
        scan.add_argument("--date", help="扫描日期，如 2026-11-30（默认今天）")
        scan.add_argument("--full", action="store_true", help="全量扫描（默认只读今天状态可能变化的时钟）")
        scan.add_argument("--resync", action="store_true",
                          help="逐件核对全部办件与其时钟（默认只核对上次扫描以来有办理记录的办件）")
        scan.add_argument("--json", action="store_true", help="以 JSON 输出 {date, scanned, changed}")

    def handle(self, *args, action: str, **options) -> None:
        day = _day(options["date"]) if options.get("date") else timezone.localdate()
        result = services.daily(day, full=True if options.get("full") else None,
                                resync=bool(options.get("resync")))
        if options.get("json"):
            self.stdout.write(json.dumps({k: result[k] for k in ("date", "scanned", "changed")}, ensure_ascii=False))
            return
        if "skipped" in result:
            self.stdout.write(f"{result['date']}：{result['skipped']}")
            return
        mode = "全量" if result["full"] else "增量"
        self.stdout.write(f"{result['date']}（{mode}）：扫描时钟 {result['scanned']} 个，状态变化 {result['changed']} 个；"
                          f"新督办单 {result['urges']} 张，升级 {result['escalated']} 张，新开整改措施 {result['measures']} 项")
