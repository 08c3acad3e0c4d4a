"""`tongban supervision_bulletin --month 2026-10 -o 电子监察月通报.docx`: the month's 电子监察月通报 as a 公文,
the same figures as the dashboard (`supervision.reports`). `--publish` keeps it where the daily job does."""
from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tongban.supervision import bulletin
from tongban.supervision.reports import Month


class Command(BaseCommand):
    help = "生成电子监察月通报（公文 .docx，GB/T 9704）：--month 2026-10 -o 文件.docx"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="年-月，如 2026-10")
        parser.add_argument("-o", "--output", help="输出文件（.docx）；不写则为 电子监察月通报-年-月.docx")
        parser.add_argument("--publish", action="store_true", help="同时存档（与每日任务相同，已存档则不重写）")

    def handle(self, *args, month: str, output: str | None, publish: bool, **options):
        try:
            period = Month.parse(month)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        today = timezone.localdate()
        if period.first > today:
            raise CommandError(f"{period.label}尚未开始，不能生成通报。")
        report = bulletin.bulletin_report(period, today)
        target = Path(output or bulletin.file_name(period))
        if target.suffix.lower() != ".docx":
            raise CommandError("输出文件须为 .docx。")
        target.write_bytes(bulletin.render(report))
        totals = report.figures["totals"]
        self.stdout.write(f"{report.title}：收件 {totals['received']}，作出决定 {totals['decided']}，"
                          f"按期办结率 {totals['on_time_rate'] if totals['on_time_rate'] is not None else '—'}%，"
                          f"超期 {totals['overdue']} → {target}")
        if publish:
            path, created = bulletin.publish(period, today)
            self.stdout.write(("已存档 " if created else "已存档过，未重写 ") + str(path))
