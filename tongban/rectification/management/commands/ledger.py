"""`tongban ledger import FILE.xlsx [--inspection ID] [--dry-run] [--json]`,
`tongban ledger export --inspection ID -o FILE.xlsx` and `tongban ledger benchmark [--rows 5000]`."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongban.core.import_snapshots import change_lines
from tongban.rectification.models import Inspection


class Command(BaseCommand):
    help = "整改台账（Excel）的导入、导出与性能基准。"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import,export,benchmark}")
        importing = actions.add_parser("import", help="导入整改台账：全部成功或一行不改，可重复导入。")
        importing.add_argument("file", help=".xlsx 文件")
        importing.add_argument("--inspection", type=int, help="导入到哪一次巡察（ID）；省略时按台账标题查找或新建")
        importing.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        importing.add_argument("--json", action="store_true", help="以 JSON 输出结果（含错误清单）")
        importing.add_argument("--take-file-values", action="store_true",
                               help="冲突时一律采用台账中的值（默认保留导入后在系统中修改过的内容）")
        importing.add_argument("--take", action="append", default=[], metavar="措施ID:字段",
                               help="只对这一处冲突采用台账中的值，如 --take 12:deadline（可重复）")
        importing.add_argument("--map", action="append", default=[], metavar="台账写法=单位",
                               help="把台账中的单位名对应到已有单位（全称、简称、别名或单位代码），"
                                    "导入后记为该单位的别名，如 --map 市场监管局=县市场监督管理局（可重复）")
        importing.add_argument("--create-units", action="store_true",
                               help="台账中找不到的单位一律新建（在 --parent 之下，类型 --unit-kind）")
        importing.add_argument("--parent", metavar="单位代码", help="--create-units 新建单位的上级单位，默认最上级单位")
        importing.add_argument("--unit-kind", default="department", metavar="类型代码",
                               help="--create-units 新建单位的类型代码，默认 department（进驻部门）")
        exporting = actions.add_parser("export", help="按标准格式导出一次巡察的整改台账。")
        exporting.add_argument("--inspection", type=int, required=True, help="巡察 ID")
        exporting.add_argument("-o", "--output", required=True, help="输出的 .xlsx 文件")
        bench = actions.add_parser("benchmark", help="生成台账并计时解析与导入（结束后回滚，不留数据）。")
        bench.add_argument("--rows", type=int, default=5000, help="行数，默认 5000")
        bench.add_argument("--json", action="store_true", help="以 JSON 输出计时")

    def handle(self, *args, action: str, **options):
        if action == "import":
            return self.import_file(Path(options["file"]), options["inspection"], options["dry_run"], options["json"],
                                    take=self._take(options["take_file_values"], options["take"]),
                                    unit_choices=self._unit_choices(options))
        if action == "export":
            return self.export_file(options["inspection"], Path(options["output"]))
        return self.benchmark(options["rows"], options["json"])

    def _inspection(self, pk: int | None) -> Inspection | None:
        if pk is None:
            return None
        inspection = Inspection.objects.filter(pk=pk).first()
        if inspection is None:
            raise CommandError(f"没有 ID 为 {pk} 的巡察。")
        return inspection

    @staticmethod
    def _take(take_all: bool, fields: list[str]):
        import re

        from tongban.core.import_snapshots import TakeFileValues

        for item in fields:
            if not re.fullmatch(r"\d+:[a-z_]+", item):
                raise CommandError(f"--take 的格式应为 措施ID:字段，如 12:deadline（收到“{item}”）。")
        return TakeFileValues(all=take_all, fields=frozenset(fields))

    @staticmethod
    def _unit_choices(options) -> dict:
        """--map NAME=UNIT (a unit by full name, short name, alias or code) and --create-units."""
        from django.db.models import Q

        from tongban.org.models import Unit, UnitKind

        def unit(text: str) -> Unit:
            found = list(Unit.objects.filter(Q(code=text) | Q(name=text) | Q(short_name=text) | Q(aliases__name=text))
                         .distinct()[:2])
            if len(found) != 1:
                raise CommandError(f"找不到单位“{text}”" if not found else f"单位“{text}”不唯一，请写全称或单位代码")
            return found[0]

        choices: dict = {}
        for item in options["map"]:
            name, _, target = item.partition("=")
            if not name.strip() or not target.strip():
                raise CommandError(f"--map 的格式应为 台账写法=单位，如 市场监管局=县市场监督管理局（收到“{item}”）。")
            choices.setdefault("map", {})[name.strip()] = unit(target.strip()).pk
        if options["create_units"]:
            parent = (unit(options["parent"]) if options["parent"]
                      else Unit.objects.filter(parent__isnull=True).order_by("sort_order", "pk").first())
            if not UnitKind.objects.filter(code=options["unit_kind"]).exists():
                kinds = "、".join(UnitKind.objects.values_list("code", flat=True))
                raise CommandError(f"没有代码为“{options['unit_kind']}”的单位类型（可选：{kinds}）。")
            choices["create_unknown"] = {"parent": parent.pk if parent else None, "kind": options["unit_kind"]}
        return choices

    def import_file(self, path: Path, inspection_id: int | None, dry_run: bool, as_json: bool, *, take,
                    unit_choices=None) -> None:
        from tongban.rectification.importing import import_ledger
        from tongban.rectification.ledger_parsing import parse_ledger

        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        inspection = self._inspection(inspection_id)
        parsed = parse_ledger(str(path))
        show_progress = not as_json and sys.stderr.isatty()
        result = import_ledger(parsed, inspection=inspection, dry_run=dry_run,
                               progress=self.progress_bar if show_progress else None, take_file_values=take,
                               unit_choices=unit_choices)
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2, default=str))
        else:
            for error in result.errors:
                self.stderr.write(self.located(error))
            for warning in result.warnings:
                self.stderr.write(f"提示：{self.located(warning)}")
            for line in change_lines(result.changes):
                self.stderr.write(line)
            for unknown in result.unresolved_units:
                rows = "、".join(map(str, unknown["rows"]))
                self.stderr.write(f"未识别的单位：“{unknown['name']}”（第 {rows} 行）{unknown['problem']}；"
                                  f"可用 --map {unknown['name']}=单位全称 对应到已有单位，或 --create-units 新建")
            for alias in result.aliases_added:
                self.stderr.write(f"{'将' if dry_run else '已'}把“{alias['alias']}”记为“{alias['unit']}”的别名")
            for created in result.units_created:
                self.stderr.write(f"{'将' if dry_run else '已'}新建单位“{created['unit']}”（上级：{created['parent'] or '无'}）")
            self.stdout.write(result.summary())
            if result.inspection and result.inspection.pk and not result.errors:
                self.stdout.write(f"巡察：{result.inspection.title}（ID {result.inspection.pk}）")
        if result.errors:
            raise CommandError(result.summary(), returncode=1)

    def progress_bar(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        sys.stderr.write(f"\r写入 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    def export_file(self, inspection_id: int, path: Path) -> None:
        from tongban.rectification.exporting import export_ledger, ledger_measures

        if path.suffix.lower() != ".xlsx":
            raise CommandError("输出文件须以 .xlsx 结尾。")
        inspection = self._inspection(inspection_id)
        path.write_bytes(export_ledger(inspection))
        self.stdout.write(f"已导出 {path}：{ledger_measures(inspection).count()} 项整改措施")

    @staticmethod
    def located(entry: dict) -> str:
        where = "".join([f"第 {entry['row']} 行" if entry.get("row") else "",
                         f"〔{entry['column']}〕" if entry.get("column") else ""])
        return f"{where}：{entry['message']}" if where else entry["message"]

    def benchmark(self, rows: int, as_json: bool) -> None:
        from tongban.rectification.benchmark import run_benchmark

        report = run_benchmark(rows)
        if as_json:
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{report['rows']} 行台账：解析 {report['parse_seconds']:.2f} 秒（目标 < {report['parse_target_seconds']} 秒："
            f"{'达标' if report['parse_within_target'] else '未达标'}）+ 导入 {report['import_seconds']:.2f} 秒"
            f" = {report['total_seconds']:.2f} 秒（目标 < {report['target_seconds']} 秒："
            f"{'达标' if report['within_target'] else '未达标'}）\n"
            f"参照：openpyxl 读取同一文件 {report['reference_seconds']:.2f} 秒；"
            f"解析+导入 / 参照 = {report['ratio']:.1f} 倍。数据已回滚，数据库未改变。"
        )
