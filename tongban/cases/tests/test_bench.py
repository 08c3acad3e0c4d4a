"""Concurrent intakes never share a case number (the sequence row, not max()+1)."""
import asyncio
import contextlib

import pytest

from tongban.cases.models import Case, CaseNumberSequence

pytestmark = pytest.mark.django_db(transaction=True)


def test_forty_intakes_from_eight_workers_get_forty_numbers():
    """On PostgreSQL the workers are eight processes, each with its own connection, all claiming at once: a
    claim that two of them could both win (max()+1, a read before the UPDATE) fails here."""
    from django.db import connection

    from tongban.cases.bench import run_intake_bench

    report = run_intake_bench(40, 8, log=lambda text: None)
    # An in-memory SQLite database (the tests' own) cannot be opened by another process: threads there.
    assert report["workers"] == ("threads" if connection.vendor == "sqlite" else "processes")
    assert (report["intakes"], report["duplicates"], report["failures"]) == (40, 0, 0)
    assert CaseNumberSequence.objects.get().last == 40
    assert not Case.objects.exists()  # the bench removes what it made


def test_the_cases_bench_times_the_list_pages_and_removes_its_cases():
    from tongban.cases.bench import run_cases_bench

    report = run_cases_bench(300, 3, 12, units=3, log=lambda text: None)
    assert (report["cases"], report["requests"]) == (300, 12)
    assert report["p95_ms"] >= report["p50_ms"] > 0
    assert not Case.objects.exists()


def test_on_a_sqlite_file_the_workers_are_processes_that_take_turns(tmp_path):
    """SQLite in a file (as `var/` holds it): `tongban bench intake` in its own process, on a copy of the test
    database, with eight worker processes writing at once — every intake gets through, each its own number."""
    import json
    import os
    import sqlite3
    import subprocess
    import sys

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL: the test above already runs its workers as processes")
    connection.ensure_connection()
    copy = sqlite3.connect(tmp_path / "tongban.sqlite3")
    connection.connection.backup(copy)
    copy.close()
    env = {**os.environ, "TONGBAN_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "tongban.settings"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "django", "bench", "intake", "--intakes", "40", "--workers", "8",
                           "--json"], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "8 个并发进程" in done.stderr and "失败 0" in done.stderr
    assert json.loads(done.stdout) == {**json.loads(done.stdout), "intakes": 40, "duplicates": 0}
    with sqlite3.connect(tmp_path / "tongban.sqlite3") as db:
        assert db.execute("SELECT SUM(last) FROM cases_casenumbersequence").fetchone() == (40,)
        assert db.execute("SELECT COUNT(*) FROM cases_case").fetchone() == (0,)  # the bench removed its cases


# --- Forked children and the parent's connections ----------------------------------------------------------------
# Django keeps a thread's connections in an asgiref Local: plain thread storage while no event loop runs in the
# thread, a context-variable storage once one does — and Playwright's sync API (the browser tests) leaves one
# running in the main thread for the rest of the session. A forked child has no running loop (asyncio checks the
# pid), so it reads the *plain* storage: the connection an earlier test opened before the first browser test,
# which the parent's `close_all()` (reading the loop's storage) never closed. Every child then talked on that one
# socket, and closing it sent Terminate for all of them: "server closed the connection unexpectedly" in the whole
# PostgreSQL suite, never alone.


@contextlib.contextmanager
def _running_loop(loop):
    """The main thread as Playwright's sync API leaves it (a running event loop), or as before it started (None)."""
    previous = asyncio._get_running_loop()
    asyncio._set_running_loop(loop)
    try:
        yield
    finally:
        asyncio._set_running_loop(previous)


def _fresh_connection_or_fail(target) -> None:  # pragma: no cover - runs in a forked child
    from django.db import connections

    if connections["default"].connection is not None:
        raise AssertionError("a forked child was handed the parent's open connection")
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def test_forked_clients_never_touch_the_parents_connection_once_an_event_loop_runs():
    from django.db import connection

    from tongban.cases.bench import _drive

    loop = asyncio.new_event_loop()
    try:
        with _running_loop(None):
            connection.ensure_connection()  # as any test before the first browser test leaves it
            with _running_loop(loop):
                timings, _ = _drive([[("probe", n)] for n in range(3)], _fresh_connection_or_fail)
            assert len(timings) == 3
            with connection.cursor() as cursor:  # the children neither used nor closed (Terminate) the parent's
                cursor.execute("SELECT 1")
                assert cursor.fetchone() == (1,)
    finally:
        loop.close()
