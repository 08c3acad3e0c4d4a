"""后台分类审批: one task per department, in parallel within a stage; the next stage opens when the stage's
join rule is met (all its items, or any one approved); 特别程序 suspends the clock; the decision."""
from __future__ import annotations

from datetime import date

from django.db import transaction

from tongban.cases.choices import TASK_DONE, CaseStatus, Decision, JoinRule, TaskStatus
from tongban.cases.clocks import count_suspension_workdays
from tongban.cases.error_codes import CaseError, case_error
from tongban.cases.models import Case, CaseTask, StageJoinRule, Suspension
from tongban.cases.services.common import check, event, lock, save_and_clock, staff_users, tell_users, today
from tongban.catalog.choices import SpecialStepKind


def open_stage(case: Case, stage: int, day: date, *, by) -> list[CaseTask]:
    """Open the waiting tasks of `stage`; each department hears of its new 待审查 (实时流转)."""
    tasks = list(case.tasks.filter(stage=stage, status=TaskStatus.WAITING).select_related("unit", "item"))
    CaseTask.objects.filter(pk__in=[t.pk for t in tasks]).update(status=TaskStatus.REVIEWING, opened_on=day)
    if stage > 1 and tasks:
        event(case, "case.stage_opened", f"进入第 {stage} 阶段：{'、'.join(t.item.name for t in tasks)}", by=by, stage=stage)
    for task in tasks:
        tell_users(staff_users(unit=task.unit_id), title=f"待审查：{case.number} {task.item.name}",
                   body=f"{case.applicant_name} 的申请已受理，请在时限内审查。", case=case, code="cases.task_opened",
                   dedupe=f"cases.task_opened.{task.pk}")
    return tasks


def _task(case: Case, task: CaseTask | None) -> CaseTask:
    if task is None:
        raise case_error(CaseError.TASK_REQUIRED)
    if task.case_id != case.pk:
        raise case_error(CaseError.TASK_OTHER_CASE)
    return CaseTask.objects.select_for_update().select_related("item", "unit").get(pk=task.pk)


def _stage_joined(case: Case, stage: int) -> bool:
    statuses = list(case.tasks.filter(stage=stage).values_list("status", flat=True))
    rule = StageJoinRule.objects.filter(bundle_id=case.bundle_id, stage=stage).values_list("rule", flat=True).first()
    if rule == JoinRule.ANY:
        return TaskStatus.APPROVED in statuses
    return all(status in TASK_DONE for status in statuses)


def _advance(case: Case, day: date, *, by) -> None:
    """After a decision on a task: open the next stage when this one has joined; decide the case when no
    task is left to review."""
    stages = sorted(set(case.tasks.values_list("stage", flat=True)))
    for stage in stages:
        if case.tasks.filter(stage=stage, status=TaskStatus.WAITING).exists():
            previous = [s for s in stages if s < stage]
            if not previous or _stage_joined(case, previous[-1]):
                open_stage(case, stage, day, by=by)
            break
    if case.tasks.exclude(status__in=TASK_DONE).exists():
        return
    _decide(case, Decision.APPROVED, "各部门审查准予", day, by=by)


def _decide(case: Case, decision: str, reason: str, day: date, *, by) -> None:
    case.status, case.decision, case.decision_reason, case.decided_on = CaseStatus.READY, decision, reason, day
    case.save(update_fields=["status", "decision", "decision_reason", "decided_on", "updated_at"])
    event(case, "case.decided", f"审批决定：{Decision(decision).label}（{reason}）", by=by, decision=decision)
    tell_users(staff_users(window=case.delivery_window_id), title=f"待出件：{case.number} {case.title}",
               body=f"审批结果：{Decision(decision).label}，请通知申请人领取。", case=case, code="cases.ready",
               dedupe=f"cases.ready.{case.pk}")


@transaction.atomic
def approve(case: Case, *, by, task: CaseTask | None, reason: str, result_number: str = "") -> Case:
    case = lock(case)
    task = _task(case, task)
    check("approve", case, by, task, reason=reason)
    day = today()
    task.status, task.decided_on, task.decided_by, task.reason = TaskStatus.APPROVED, day, by, reason.strip()
    task.result_number = (result_number or "").strip()[:60]
    task.save(update_fields=["status", "decided_on", "decided_by", "reason", "result_number", "updated_at"])
    event(case, "case.task_approved", f"{task.unit.name}准予：{task.item.name}（{reason.strip()}）", by=by, task=task)
    _advance(case, day, by=by)
    return save_and_clock(case, [])


@transaction.atomic
def deny(case: Case, *, by, task: CaseTask | None, reason: str) -> Case:
    """不予许可 of one department ends the case: the other tasks stop, the decision is 不予许可."""
    case = lock(case)
    task = _task(case, task)
    check("deny", case, by, task, reason=reason)
    day = today()
    task.status, task.decided_on, task.decided_by, task.reason = TaskStatus.DENIED, day, by, reason.strip()
    task.save(update_fields=["status", "decided_on", "decided_by", "reason", "updated_at"])
    case.tasks.exclude(status__in=TASK_DONE).update(status=TaskStatus.CANCELLED)
    event(case, "case.task_denied", f"{task.unit.name}不予许可：{task.item.name}（{reason.strip()}）", by=by, task=task)
    _decide(case, Decision.DENIED, reason.strip(), day, by=by)
    return save_and_clock(case, [])


@transaction.atomic
def suspend(case: Case, *, by, task: CaseTask | None, kind: str, reason: str) -> Case:
    """特别程序 (§45): the clock stops from today until it is resumed; the applicant is told in writing."""
    case = lock(case)
    task = _task(case, task)
    check("suspend", case, by, task, reason=reason)
    if kind not in SpecialStepKind.values:
        raise case_error(CaseError.SUSPENSION_KIND)
    Suspension.objects.create(case=case, task=task, kind=kind, reason=reason.strip(), started_on=today(), started_by=by)
    case.status = CaseStatus.SUSPENDED
    event(case, "case.suspended", f"{task.unit.name}启动特别程序（{SpecialStepKind(kind).label}）：{reason.strip()}",
          by=by, task=task, kind=kind)
    return save_and_clock(case, ["status"])


@transaction.atomic
def resume(case: Case, *, by) -> Case:
    case = lock(case)
    check("resume", case, by)
    day = today()
    open_ones = Suspension.objects.filter(case=case, ended_on__isnull=True)
    ids = list(open_ones.values_list("pk", flat=True))
    open_ones.update(ended_on=day, ended_by=by)
    count_suspension_workdays(Suspension.objects.filter(pk__in=ids))
    case.status = CaseStatus.REVIEWING
    case = save_and_clock(case, ["status"])
    event(case, "case.resumed", f"特别程序结束，计时恢复；共挂起 {case.suspended_workdays} 个工作日", by=by)
    return case
