"""`tongban archive verify FILE` and `tongban archive export --from D --to D -o DIR` (电子档案)."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tongban.archives import packages, services


class Command(BaseCommand):
    help = "电子档案：校验归档信息包（verify），按办结日期批量导出给县档案馆（export）。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="按清单校验归档包：文件被修改、缺失或多出时退出码为 1")
        verify.add_argument("file", help="归档包 .zip")
        export = sub.add_parser("export", help="导出办结日期在范围内的归档包和移交清单")
        export.add_argument("--from", dest="date_from", type=date.fromisoformat, required=True, help="起始办结日期，如 2026-01-01")
        export.add_argument("--to", dest="date_to", type=date.fromisoformat, required=True, help="截止办结日期（含）")
        export.add_argument("-o", "--output", required=True, help="输出文件夹")

    def handle(self, *args, action: str, **options):
        if action == "verify":
            return self.verify(Path(options["file"]))
        return self.export(options["date_from"], options["date_to"], Path(options["output"]))

    def verify(self, path: Path):
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            result = packages.verify_zip(path)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=2) from None
        if result.ok:
            self.stdout.write(result.summary())
            return
        for line in result.messages():
            self.stderr.write(line)
        raise CommandError(f"归档包校验未通过（{result.root}）：{len(result.messages())} 处问题。", returncode=1)

    def export(self, date_from: date, date_to: date, folder: Path):
        def progress(done: int, total: int) -> None:
            self.stdout.write(f"\r已导出 {done:,} / {total:,}", ending="")
            self.stdout.flush()

        try:
            summary = services.export_packages(date_from, date_to, folder, progress=progress)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write("")
        self.stdout.write(f"已导出归档包 {summary['exported']:,} 个到 {folder}（移交清单.csv）"
                          + (f"，其中新打包 {summary['packed']:,} 个" if summary["packed"] else "")
                          + (f"；{summary['missing']:,} 个归档包文件缺失，请校验" if summary["missing"] else "。"))
        if summary["missing"]:
            sys.exit(1)
