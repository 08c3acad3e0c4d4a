"""Running jobs: each (job, period) is claimed with a conditional write, so no work is done twice.

    run_job("notifications.purge_read", date(2026, 11, 23), trigger=Trigger.CLI)

The claim is an INSERT of the (job, period_key) row; when the row exists, a succeeded (or 无需运行)
run is returned untouched, a failed one is claimed again by an UPDATE that only matches while it is
still failed, and a running one is left alone (another worker has it). The job function then runs
outside any transaction of ours, so its progress is visible while it works; jobs are idempotent, so
a run that fails half-way is finished by the next attempt.
"""
from __future__ import annotations

import json
import logging
import traceback
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from tongban.core.audit import acting_as
from tongban.core.error_codes import ErrorCode, service_error
from tongban.history.services import record_event
from tongban.jobs import schedule
from tongban.jobs.choices import FINAL_STATUSES, Outcome, RunStatus, Trigger
from tongban.jobs.models import JobRun
from tongban.jobs.registry import FREQUENCIES, JobSpec, SkipJob, all_jobs, get_job, jobs_of
from tongban.org.choices import Role

logger = logging.getLogger("tongban.jobs")

# A run still "running" after this long is presumed dead (its worker was killed); only a forced run
# may take it over. Without force a running row is always left alone.
STALE_AFTER = timedelta(hours=6)


@dataclass(frozen=True)
class JobReport:
    """One line of a group run: which job, what happened, and the run record (none when not due)."""

    spec: JobSpec
    outcome: str
    run: JobRun | None = None

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label


def run_job(name: str, for_date: date, *, trigger: str, by=None, force: bool = False) -> JobRun:
    """Run job `name` for the period `for_date` falls in, unless that period is done or running.

    Returns the run record with `outcome` set to what this call did (an `Outcome`). `force` runs a
    period again even when it succeeded (and takes over a run presumed dead, see STALE_AFTER).
    """
    spec = get_job(name)
    if spec is None:
        raise service_error(ErrorCode.JOB_UNKNOWN, name=name)
    actor = by if getattr(by, "is_authenticated", False) else None
    period = schedule.period_key(spec.frequency, for_date)
    run, claimed = _claim(spec, period, trigger=trigger, by=actor, force=force)
    if not claimed:
        return run
    return _execute(spec, run, by=actor)


def run_due(for_date: date, *, trigger: str, by=None) -> list[JobReport]:
    """What the schedule runs each day: every daily job, and the weekly / monthly jobs when
    `for_date` is the first workday of its week / month."""
    reports = []
    for spec in all_jobs().values():
        if not schedule.is_due(spec.frequency, for_date):
            reports.append(JobReport(spec, Outcome.NOT_DUE))
            continue
        run = run_job(spec.name, for_date, trigger=trigger, by=by)
        reports.append(JobReport(spec, run.outcome, run))
    return reports


def run_group(frequency: str, for_date: date, *, trigger: str = Trigger.CLI, by=None, force: bool = False) -> list[JobReport]:
    """Every job of one frequency, keyed on the period `for_date` falls in (by hand: a missed week
    can be run on any of its days)."""
    reports = []
    for spec in jobs_of(frequency):
        run = run_job(spec.name, for_date, trigger=trigger, by=by, force=force)
        reports.append(JobReport(spec, run.outcome, run))
    return reports


def run_target(target: str, for_date: date, *, trigger: str, by=None, force: bool = False) -> list[JobReport]:
    """`due`, a frequency (`daily` / `weekly` / `monthly`) or one job's name, as the CLI takes it."""
    if target == "due":
        return run_due(for_date, trigger=trigger, by=by)
    if target in FREQUENCIES:
        return run_group(target, for_date, trigger=trigger, by=by, force=force)
    spec = get_job(target)
    if spec is None:
        raise service_error(ErrorCode.JOB_UNKNOWN, name=target)
    run = run_job(target, for_date, trigger=trigger, by=by, force=force)
    return [JobReport(spec, run.outcome, run)]


def _claim(spec: JobSpec, period: date, *, trigger: str, by, force: bool) -> tuple[JobRun, bool]:
    now = timezone.now()
    try:
        with transaction.atomic():
            run = JobRun.objects.create(
                job=spec.name, period_key=period, status=RunStatus.RUNNING, started_at=now, attempts=1,
                trigger=trigger, triggered_by=by,
            )
    except IntegrityError:
        pass
    else:
        run.outcome = Outcome.RAN
        return run, True

    existing = JobRun.objects.get(job=spec.name, period_key=period)
    claimable = Q(status=RunStatus.FAILED)
    if force:
        claimable |= Q(status__in=FINAL_STATUSES) | Q(status=RunStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    changed = JobRun.objects.filter(claimable, pk=existing.pk).update(
        status=RunStatus.RUNNING, attempts=F("attempts") + 1, started_at=now, finished_at=None,
        progress_done=0, progress_total=0, result={}, error="", trigger=trigger, triggered_by=by,
    )
    previous_status = existing.status
    existing.refresh_from_db()
    if changed:
        existing.outcome = Outcome.RAN
        if previous_status != RunStatus.FAILED:
            record_event(existing, "jobs.run.forced", f"强制重新运行任务“{spec.title}”（周期 {period}）", by=by,
                         previous_status=previous_status, attempts=existing.attempts)
        return existing, True
    existing.outcome = Outcome.ALREADY_DONE if existing.status in FINAL_STATUSES else Outcome.BUSY
    return existing, False


def _execute(spec: JobSpec, run: JobRun, *, by) -> JobRun:
    try:
        with acting_as(by):  # the person who pressed 立即运行; the system account on schedule
            result = spec.func(run, run.period_key)
    except SkipJob as skip:
        _finish(run, RunStatus.SKIPPED, result={"reason": str(skip)})
        run.outcome = Outcome.SKIPPED
    except Exception as exc:
        _finish(run, RunStatus.FAILED, error=traceback.format_exc())
        run.outcome = Outcome.FAILED
        _report_failure(spec, run, exc, by=by)
    except BaseException:
        # Interrupted (Ctrl-C, worker shut down): do not leave the period stuck as "running".
        _finish(run, RunStatus.FAILED, error="任务被中断。\n" + traceback.format_exc())
        raise
    else:
        _finish(run, RunStatus.SUCCEEDED, result=_jsonable(result))
    return run


def _finish(run: JobRun, status: str, *, result: dict | None = None, error: str = "") -> None:
    changes = {"status": status, "finished_at": timezone.now(), "result": result or {}, "error": error}
    JobRun.objects.filter(pk=run.pk).update(**changes)
    for field, value in changes.items():
        setattr(run, field, value)


def _jsonable(result) -> dict:
    if result is None:
        return {}
    if not isinstance(result, dict):
        result = {"value": result}
    try:
        json.dumps(result, cls=DjangoJSONEncoder)
    except TypeError:
        return {"value": str(result)}
    return result


def _report_failure(spec: JobSpec, run: JobRun, exc: Exception, *, by) -> None:
    """A failed run goes on the run's timeline and into every system administrator's inbox."""
    from tongban.notifications.services import notify

    reason = f"{type(exc).__name__}: {exc}"
    record_event(run, "jobs.run.failed", f"任务“{spec.title}”（周期 {run.period_key}）运行失败：{reason}"[:300],
                 by=by, attempts=run.attempts)
    try:
        notify(
            system_admins(),
            title=f"任务运行失败：{spec.title}",
            body=f"周期 {run.period_key}，第 {run.attempts} 次运行失败：{reason}\n请在任务页面查看错误详情，修复后重新运行。",
            link=run.get_absolute_url(),
            code="jobs.run_failed",
            dedupe_key=f"jobs.run_failed:{run.pk}:{run.attempts}",
        )
    except Exception:  # the failure is already recorded on the run; do not let the alert hide it
        logger.exception("could not notify administrators of failed job run %s", run.pk)


def system_admins():
    """Active superusers and active staff whose role is 系统管理员."""
    return get_user_model().objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(staff__role=Role.SYSTEM_ADMIN, staff__is_active=True)
    ).distinct()
