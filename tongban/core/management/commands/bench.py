"""`tongban bench <name> … [--json]`: every benchmark of every app (see core/bench.py and docs/performance.md)."""
from __future__ import annotations

from django.core.management.base import BaseCommand

from tongban.core.bench import as_json, discover


class Command(BaseCommand):
    help = "性能基准：每项都在同一次运行中给出参照，--json 输出机器可读的结果。"

    def add_arguments(self, parser) -> None:
        benches = discover()
        self.own_options: dict[str, set[str]] = {}  # each bench gets only its own options, not Django's
        actions = parser.add_subparsers(dest="bench", required=True, metavar="{" + ",".join(benches) + "}")
        for bench in benches.values():
            sub = actions.add_parser(bench.name, help=bench.help)
            bench.add_arguments(sub)
            self.own_options[bench.name] = {action.dest for action in sub._actions if action.dest != "help"}
            sub.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, bench: str, **options) -> None:
        chosen = discover()[bench]
        quiet = options["json"]
        log = (lambda text: self.stderr.write(text)) if quiet else self.stdout.write
        report = chosen.run(log=log, **{k: v for k, v in options.items() if k in self.own_options[bench]})
        self.stdout.write(as_json(chosen, report) if quiet else chosen.summary(report))

