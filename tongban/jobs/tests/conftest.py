"""Fixtures for the jobs tests: a registry holding only the test's own jobs, Huey in immediate mode,
and a migrated SQLite var dir for the tests that start real `tongban` processes."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tongban.jobs.registry import FREQUENCIES
from tongban.jobs.tests.processes import process_env, tongban


class Counter:
    """A job that counts its calls (and can be told to fail or report progress)."""

    def __init__(self):
        self.calls = []
        self.fail_with: Exception | None = None

    def __call__(self, run, for_date):
        self.calls.append(for_date)
        if self.fail_with is not None:
            raise self.fail_with
        return {"calls": len(self.calls), "for_date": for_date}


@pytest.fixture
def registry(monkeypatch):
    """The job registry holding only what the test registers (the real jobs stay untouched)."""
    from tongban.jobs import registry as module

    monkeypatch.setattr(module, "_REGISTRY", {})
    return module


@pytest.fixture
def counter_jobs(registry) -> dict[str, Counter]:
    """One counting job per frequency: tests.daily, tests.weekly, tests.monthly."""
    counters = {}
    for frequency in FREQUENCIES:
        counters[frequency] = Counter()
        registry.job(f"tests.{frequency}", frequency=frequency, title=f"计数任务（{FREQUENCIES[frequency]}）")(
            counters[frequency]
        )
    return counters


@pytest.fixture
def huey_immediate():
    """Tasks run in this process at once, against the test database (never the real queue)."""
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    yield HUEY
    HUEY.immediate = previous


# --- Real processes: `tongban migrate`, `tongban run_huey`, `tongban serve`.


@pytest.fixture(scope="session")
def migrated_var_dir(tmp_path_factory) -> Path:
    """A var dir with a freshly migrated SQLite database, built once per session."""
    var_dir = tmp_path_factory.mktemp("var")
    done = subprocess.run(tongban("migrate", "--noinput", "-v0"), env=process_env(var_dir),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return var_dir
