"""`tongban catalog import|export|benchmark|sync-negative|township-list|township-check|demo`."""
from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from openpyxl import load_workbook

from tongban.catalog import excel


class Command(BaseCommand):
    help = "事项目录：Excel 导入（全部成功或全部不改）、导出、导入性能基准、负面清单同步、演示数据。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="子命令")
        imp = sub.add_parser("import", help="导入事项目录工作簿（.xlsx、.xls、.et 或 .ods）")
        imp.add_argument("file")
        imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        imp.add_argument("--json", action="store_true", help="以 JSON 输出结果或错误清单")
        imp.add_argument("--take-file-values", action="store_true",
                         help="冲突时一律采用文件中的值（默认保留导入后在系统中修改或新增的内容）")
        imp.add_argument("--take", action="append", default=[], metavar="工作表:编码:字段",
                         help="只对这一处冲突采用文件中的值，如 --take 事项:CODE:promised_days（可重复）")
        exp = sub.add_parser("export", help="导出整个事项目录")
        exp.add_argument("-o", "--output", required=True, help="输出文件，如 catalog.xlsx")
        bench = sub.add_parser("benchmark", help="生成 N 项事项的工作簿，计时导入并与参照操作比较（结束后回滚）")
        bench.add_argument("--items", type=int, default=2000)
        bench.add_argument("--keep", action="store_true", help="保留导入的数据（默认回滚）")
        sub.add_parser("sync-negative", help="按目录中的“三集中三到位”标记同步负面清单")
        tl = sub.add_parser("township-list", help="载入省定乡镇事项清单（CSV 或 Excel：基本编码、事项名称），替换同名清单")
        tl.add_argument("name", help="清单名称，如“省定乡镇政务服务事项清单”")
        tl.add_argument("file")
        tc = sub.add_parser("township-check", help="应进必进：列出各乡镇应办而未办的清单事项")
        tc.add_argument("name", help="清单名称")
        sub.add_parser("demo", help="建立演示事项目录（可重复运行）")

    def handle(self, *args, action: str, **options):
        getattr(self, "do_" + action.replace("-", "_"))(**options)

    def do_import(self, file: str, dry_run: bool, json: bool, take_file_values: bool = False, take=(), **_):
        from tongban.core.import_snapshots import change_lines, take_option

        if not Path(file).exists():
            raise CommandError(f"文件不存在：{file}")
        try:
            report = excel.import_path(file, dry_run=dry_run, take_file_values=take_option(take_file_values, list(take)))
        except excel.ImportRejected as rejected:
            if json:
                self.stdout.write(_json({"dry_run": dry_run, "errors": rejected.errors}))
            else:
                for e in rejected.errors:
                    self.stderr.write(f"[{e['sheet']}] 第 {e['row']} 行 {e['column']}：{e['message']}")
            raise CommandError(rejected.message)
        if not json:
            for line in change_lines(report.changes):
                self.stderr.write(line)
        self.stdout.write(_json(report.as_dict()) if json else report.summary())

    def do_export(self, output: str, **_):
        Path(output).write_bytes(excel.export_bytes())
        self.stdout.write(f"已导出到 {output}")

    def do_benchmark(self, items: int, keep: bool, **_):
        from tongban.catalog.benchmark import write_benchmark_workbook

        with tempfile.TemporaryDirectory() as folder, transaction.atomic():
            path = Path(folder) / "benchmark.xlsx"
            write_benchmark_workbook(path, items)
            started = time.perf_counter()
            load_workbook(path, read_only=True).close()
            reference = time.perf_counter() - started
            started = time.perf_counter()
            book = load_workbook(path, read_only=True)
            rows = sum(1 for sheet in book.worksheets for _ in sheet.iter_rows(values_only=True))
            book.close()
            reading = time.perf_counter() - started
            started = time.perf_counter()
            report = excel.import_path(path)
            elapsed = time.perf_counter() - started
            if not keep:
                transaction.set_rollback(True)
        self.stdout.write(
            f"导入 {report.items} 项事项（{rows} 行）用时 {elapsed:.2f} 秒；"
            f"参照：openpyxl 打开同一文件 {reference:.2f} 秒、逐行读取全部单元格 {reading:.2f} 秒；"
            f"导入/逐行读取 = {elapsed / reading:.1f} 倍。{'（已保留）' if keep else '（已回滚，数据库未改变）'}"
        )
        if elapsed >= 5:
            raise CommandError(f"导入用时 {elapsed:.2f} 秒，超过 5 秒目标。")

    def do_sync_negative(self, **_):
        from tongban.catalog.services import sync_negative_list

        result = sync_negative_list()
        self.stdout.write(f"负面清单：新增 {result.created} 条，整改到位 {result.resolved} 条，重新打开 {result.reopened} 条。")

    def do_township_list(self, name: str, file: str, **_):
        from tongban.catalog.services import load_township_list
        from tongban.catalog.township_list import TownshipListRejected, read_township_list

        if not Path(file).exists():
            raise CommandError(f"文件不存在：{file}")
        try:
            entries = read_township_list(file)
        except TownshipListRejected as rejected:
            for e in rejected.errors:
                self.stderr.write(f"第 {e['row']} 行：{e['message']}" if e["row"] else e["message"])
            raise CommandError(rejected.messages[0])
        count = load_township_list(name, entries)
        self.stdout.write(f"已载入“{name}”，共 {count} 项。")

    def do_township_check(self, name: str, **_):
        from tongban.catalog.services import missing_from_township_list

        missing = missing_from_township_list(name)
        for gap in missing:
            self.stdout.write(f"{gap.township.name}\t{gap.entry.basic_code}\t{gap.entry.name}")
        self.stdout.write(f"应进必进：共 {len(missing)} 项应办未办。")

    def do_demo(self, **_):
        from tongban.catalog.demo import build_demo_catalog

        counts = build_demo_catalog()
        labels = {"items": "事项", "bundles": "一件事", "delegations": "下放", "intermediaries": "中介机构",
                  "negative_entries": "负面清单条目"}
        self.stdout.write("演示事项目录：" + "，".join(f"{labels.get(k, k)} {v}" for k, v in counts.items()))


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)
