"""The one `tongban bench <name>` command: each app that has a benchmark declares it in its own `bench.py`
as `BENCHES = [Bench(...)]`, and the command finds them, so `core` names no domain app (STYLE: the ground
floor depends on nothing above it). Every bench prints its reference timed in the same run, and `--json`."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps


@dataclass(frozen=True)
class Bench:
    name: str
    help: str
    add_arguments: Callable  # (parser) -> None; `--json` is added for every bench
    run: Callable  # (log, **options) -> dict: the full report; `log` writes progress lines
    summary: Callable  # (report) -> str: the human line(s) printed at the end
    json_keys: tuple[str, ...] | None = None  # what `--json` prints, in the words; None: the whole report


def discover() -> dict[str, Bench]:
    found: dict[str, Bench] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("tongban."):
            continue
        module_name = f"{config.name}.bench"
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue
            raise
        for bench in getattr(module, "BENCHES", ()):
            found[bench.name] = bench
    return dict(sorted(found.items()))


def as_json(bench: Bench, report: dict) -> str:
    if bench.json_keys is None:
        return json.dumps(report, ensure_ascii=False, indent=2)
    return json.dumps({key: report[key] for key in bench.json_keys}, ensure_ascii=False)
