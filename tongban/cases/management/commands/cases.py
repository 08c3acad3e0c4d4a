"""`tongban cases import FILE [--dry-run] [--json]` and `tongban cases export --from … --to … -o FILE`:
the exchange with the provincial platform (cases/province.py, docs/cases.md)."""
from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongban.core.import_snapshots import change_lines, take_option


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”格式不正确，应为 2026-11-01。") from None


class Command(BaseCommand):
    help = "办件与省平台的交换：导入省平台导出的办件（CSV 或 Excel），按同一格式导出。"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import,export}")
        importing = actions.add_parser("import", help="导入省平台的办件过程信息：全部成功或一行不改，可重复导入。")
        importing.add_argument("file", help=".csv、.xlsx、.xls、.et 或 .ods 文件")
        importing.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        importing.add_argument("--json", action="store_true", help="以 JSON 输出结果（含错误清单）")
        importing.add_argument("--take-file-values", action="store_true",
                               help="冲突时一律采用文件中的值（默认保留导入后在系统中修改过的内容）")
        importing.add_argument("--take", action="append", default=[], metavar="办件ID:字段",
                               help="只对这一处冲突采用文件中的值，如 --take 12:phone（可重复）")
        exporting = actions.add_parser("export", help="按省平台格式导出某段时间收件的办件及其办理状态代码。")
        exporting.add_argument("--from", dest="start", required=True, help="收件日期起，如 2026-11-01")
        exporting.add_argument("--to", dest="end", required=True, help="收件日期止（含），如 2026-11-30")
        exporting.add_argument("-o", "--output", required=True, help="输出文件（.csv 或 .xlsx）")

    def handle(self, *args, action: str, **options):
        if action == "import":
            return self.import_file(Path(options["file"]), options)
        start, end = _day(options["start"]), _day(options["end"])
        if end < start:
            raise CommandError("截止日期早于起始日期。")
        output = Path(options["output"])
        if output.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("输出文件应为 .csv 或 .xlsx。")
        from tongban.cases.province import export_province

        rows = export_province(start, end, output)
        self.stdout.write(f"已导出 {rows} 条办理记录到 {output}。")

    def import_file(self, path: Path, options) -> None:
        from tongban.cases.province import import_province, parse_province
        from tongban.core.audit import current_actor

        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        started = time.perf_counter()
        parsed = parse_province(str(path), name=path.name)
        result = import_province(parsed, by=current_actor(), dry_run=options["dry_run"],
                                 take_file_values=take_option(options["take_file_values"], options["take"]))
        seconds = time.perf_counter() - started
        if options["json"]:
            self.stdout.write(json.dumps({**result.as_json(), "seconds": round(seconds, 3)}, ensure_ascii=False))
        else:
            for error in result.errors:
                where = " ".join(p for p in (f"第 {error['row']} 行" if error["row"] else "", error["column"]) if p)
                self.stderr.write(f"{where}：{error['message']}" if where else error["message"])
            for line in change_lines(result.changes):
                self.stdout.write(line)
            for skipped in result.skipped:
                self.stdout.write(f"冲突（跳过） 第 {skipped['row']} 行：{skipped['message']}")
            self.stdout.write(f"{result.summary()}（用时 {seconds:.1f} 秒）")
        if result.errors:
            sys.exit(1)
