"""The registry of jobs. Apps declare jobs in their own `jobs.py`, which is imported at start-up:

    from tongban.jobs.registry import job

    @job("workdays.check_calendar", frequency="daily", title="检查工作日历")
    def check_calendar(run, for_date):
        ...                      # idempotent for (job, period); may call run.set_progress(done, total)
        return {"checked": 2}    # stored on the run record

`frequency` is "daily", "weekly" (first workday of the week) or "monthly" (first workday of the month);
the working-day calendar decides which date is the first workday. `for_date` is the first day of the
period the run is for: the day itself, or the first workday of the week / month. A job that finds
nothing to do for its period raises `SkipJob("原因")`; the run is then recorded as 无需运行.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

FREQUENCIES = {"daily": "每日", "weekly": "每周", "monthly": "每月"}


class SkipJob(Exception):
    """Raised by a job that has nothing to do for its period; the message says why (in Chinese)."""


@dataclass(frozen=True)
class JobSpec:
    name: str
    frequency: str
    title: str
    func: Callable

    @property
    def frequency_label(self) -> str:
        return FREQUENCIES[self.frequency]


_REGISTRY: dict[str, JobSpec] = {}


def job(name: str, *, frequency: str, title: str) -> Callable[[Callable], Callable]:
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")

    def register(func: Callable) -> Callable:
        _REGISTRY[name] = JobSpec(name=name, frequency=frequency, title=title, func=func)
        return func

    return register


def all_jobs() -> dict[str, JobSpec]:
    return dict(sorted(_REGISTRY.items()))


def jobs_of(frequency: str) -> list[JobSpec]:
    return [spec for spec in all_jobs().values() if spec.frequency == frequency]


def get_job(name: str) -> JobSpec | None:
    return _REGISTRY.get(name)
