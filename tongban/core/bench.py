"""The one `tongban bench <name>` command: each app that has a benchmark declares it in its own `bench.py`
as `BENCHES = [Bench(...)]`, and the command finds them, so `core` names no domain app (STYLE: the ground
floor depends on nothing above it). Every bench prints its reference timed in the same run, and `--json`."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps


_INHERITED: list = []  # a forked child's copies of its parent's connection wrappers: kept, so never closed


def forget_inherited_connections() -> None:
    """First thing in a process forked from one that used the database (the benches' workers, clients and server).

    The child starts with its parent's connection wrappers, and not only those `connections.close_all()` closed in
    the parent: Django keeps a thread's connections in an asgiref Local, in plain thread storage while no event
    loop runs in the thread and in a context-variable storage while one does (Playwright's sync API leaves one
    running in the test process). A child has no running loop, reads the plain storage, and finds a connection the
    parent opened earlier and still owns. Using it would share one socket between processes; closing it would end
    the parent's session (Terminate). So the child sets every inherited wrapper aside, unclosed — a child ends
    with `os._exit`, which finalises nothing — and opens its own connections on first use."""
    from django.db import connections

    for alias in connections:
        _INHERITED.append(connections[alias])
        del connections[alias]


def vacuum(models, *, analyze: bool = False) -> float:
    """PostgreSQL, outside any transaction: VACUUM (ANALYZE) the tables of `models`; returns the seconds taken
    (0 elsewhere or inside a transaction, where VACUUM cannot run)."""
    import time

    from django.db import connection

    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 0.0
    tick = time.perf_counter()
    verb = "VACUUM ANALYZE" if analyze else "VACUUM"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{verb} {connection.ops.quote_name(model._meta.db_table)}")
    return time.perf_counter() - tick


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
