"""`tongban org import FILE.xlsx [--dry-run] [--json]` and `tongban org export -o FILE.xlsx`."""
from __future__ import annotations

import json
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from tongban.core.import_snapshots import change_lines, take_option
from tongban.org import excel


class Command(BaseCommand):
    help = "组织机构（单位、窗口、人员）的 Excel 导入与导出。"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import,export}")
        importing = actions.add_parser("import", help="导入工作簿：全部成功或一行不改，可重复导入。")
        importing.add_argument("file", help=".xlsx、.xls、.et 或 .ods 文件，含“单位”“窗口”“人员”工作表")
        importing.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
        importing.add_argument("--json", action="store_true", help="以 JSON 输出结果（含错误清单）")
        importing.add_argument("--take-file-values", action="store_true",
                               help="冲突时一律采用文件中的值（默认保留导入后在系统中修改过的内容）")
        importing.add_argument("--take", action="append", default=[], metavar="工作表:代码:字段",
                               help="只对这一处冲突采用文件中的值，如 --take 单位:center:phone（可重复）")
        exporting = actions.add_parser("export", help="导出全部单位、窗口、人员。")
        exporting.add_argument("-o", "--output", required=True, help="输出的 .xlsx 文件")

    def handle(self, *args, action: str, **options):
        if action == "import":
            return self.import_file(Path(options["file"]), dry_run=options["dry_run"], as_json=options["json"],
                                    take=take_option(options["take_file_values"], options["take"]))
        return self.export_file(Path(options["output"]))

    def import_file(self, path: Path, *, dry_run: bool, as_json: bool, take) -> None:
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            with path.open("rb") as handle:
                report = excel.import_org_upload(File(handle, name=path.name), dry_run=dry_run,
                                                 take_file_values=take)
        except excel.ImportRejected as rejected:
            if as_json:
                self.stdout.write(json.dumps({"ok": False, "message": rejected.message, "errors": rejected.errors},
                                             ensure_ascii=False, indent=2))
            else:
                for error in rejected.errors:
                    self.stderr.write(_describe(error))
            raise CommandError(rejected.message, returncode=1) from rejected
        if as_json:
            self.stdout.write(json.dumps({"ok": True, **report.as_dict(), "errors": []}, ensure_ascii=False, indent=2))
        else:
            for line in change_lines(report.changes):
                self.stderr.write(line)
            self.stdout.write(report.summary())

    def export_file(self, path: Path) -> None:
        if path.suffix.lower() != ".xlsx":
            raise CommandError("输出文件须以 .xlsx 结尾。")
        book = excel.export_org_workbook(user=None)
        book.save(path)
        counts = "、".join(f"{sheet} {book[sheet].max_row - 1} 行" for sheet in excel.SHEET_ORDER)
        self.stdout.write(f"已导出 {path}：{counts}")


def _describe(error: dict) -> str:
    """'单位 第 7 行〔单位类型〕：未知的单位类型…' — a file-level error has no sheet or row."""
    where = []
    if error.get("sheet"):
        where.append(f"工作表“{error['sheet']}”")
    if error.get("row") not in ("", None):
        where.append(f"第 {error['row']} 行")
    if error.get("column"):
        where.append(f"〔{error['column']}〕")
    prefix = " ".join(where)
    return f"{prefix}：{error['message']}" if prefix else error["message"]
