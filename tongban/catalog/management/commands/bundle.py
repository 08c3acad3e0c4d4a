"""`tongban bundle list [--json]` and `tongban bundle show SLUG [--json]`: the 一件事 and their figures."""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from tongban.catalog.bundles import bundle_guide
from tongban.catalog.models import Bundle


class Command(BaseCommand):
    help = "一件事：列出全部一件事，或显示某个一件事与逐项办理相比的材料、表单、时限、跑动数字。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="子命令")
        listing = sub.add_parser("list", help="列出全部一件事（标识、名称）")
        listing.add_argument("--json", action="store_true", help="输出 JSON")
        show = sub.add_parser("show", help="显示一件事的合并数字")
        show.add_argument("slug", help="一件事标识，如 open-restaurant")
        show.add_argument("--json", action="store_true", help="输出 JSON")

    def handle(self, *args, action: str, **options):
        if action == "list":
            rows = list(Bundle.objects.order_by("audience", "sort_order", "slug").values("slug", "name"))
            if options["json"]:
                self.stdout.write(json.dumps(rows, ensure_ascii=False))
            else:
                for row in rows:
                    self.stdout.write(f"{row['slug']}\t{row['name']}")
            return
        bundle = Bundle.objects.filter(slug=options["slug"]).first()
        if bundle is None:
            raise CommandError(f"没有标识为“{options['slug']}”的一件事。")
        try:
            guide = bundle_guide(bundle)
        except Exception as exc:  # a cycle in the graph: show the Chinese message, not a traceback
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
        if options["json"]:
            self.stdout.write(json.dumps(guide.figures.as_dict(), ensure_ascii=False))
            return
        figures = guide.figures
        self.stdout.write(f"{figures.name}（{figures.slug}）：{figures.items} 个事项")
        for number, stage in enumerate(guide.stages, start=1):
            self.stdout.write(f"  第 {number} 阶段：" + "、".join(f"{n.name}（{n.promised_days} 个工作日）" for n in stage))
        self.stdout.write(f"  关键路径：{' → '.join(n.name for n in guide.critical_path)}")
        self.stdout.write(f"  表单字段 由 {figures.fields_separate} 项减至 {figures.fields_merged} 项")
        self.stdout.write("  " + figures.sentence())
