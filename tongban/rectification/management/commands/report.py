"""`tongban report progress --inspection ID -o F.docx` (整改进展情况报告) and
`tongban report plan --inspection ID -o F.docx` (整改工作方案), as 公文 per GB/T 9704-2012."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tongban.rectification import reports
from tongban.rectification.models import Inspection

BUILDERS = {"progress": reports.progress_report_docx, "plan": reports.plan_report_docx}


class Command(BaseCommand):
    help = "由整改数据生成公文：整改进展情况报告（progress）或整改工作方案（plan）。"

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(BUILDERS), help="progress：整改进展情况报告；plan：整改工作方案")
        parser.add_argument("--inspection", type=int, required=True, help="巡察 ID")
        parser.add_argument("-o", "--output", required=True, help="输出的 .docx 文件")
        parser.add_argument("--date", type=date.fromisoformat, help="成文日期与统计截止日（默认今天），如 2023-08-15")

    def handle(self, *args, kind: str, inspection: int, output: str, date: date | None, **options):
        record = Inspection.objects.filter(pk=inspection).first()
        if record is None:
            raise CommandError(f"没有 ID 为 {inspection} 的巡察。")
        path = Path(output)
        if path.suffix.lower() != ".docx":
            raise CommandError("输出文件须以 .docx 结尾。")
        title, content = BUILDERS[kind](record, as_of=date)
        path.write_bytes(content)
        self.stdout.write(f"已生成《{title}》：{path}")
