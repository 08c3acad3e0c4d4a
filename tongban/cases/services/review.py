"""后台分类审批: one task per department, in parallel within a stage; the next stage opens when the stage's
join rule is met (all its items, or any one approved); 特别程序 suspends the clock; the decision."""
from __future__ import annotations

from datetime import date

from django.db import transaction

from tongban.cases.choices import TASK_DONE, CaseStatus, Decision, ExtensionStatus, JoinRule, StepStatus, TaskStatus
from tongban.cases.clocks import count_suspension_workdays
from tongban.cases.error_codes import CaseError, case_error
from tongban.cases.models import Case, CaseSettings, CaseTask, Extension, StageJoinRule, Suspension, TaskStep
from tongban.cases.signals import case_decided
from tongban.cases.services.common import check, event, lock, save_and_clock, staff_users, tell_users, today
from tongban.catalog.choices import SpecialStepKind


# Checks another app adds before a department decides a task (`approve`, `deny`): each is called with the case
# and the locked task and raises a ValidationError to refuse (projects: the 多规合一 coordination round must be
# concluded first). Apps register in their AppConfig.ready; cases imports none of them.
before_decision_checks: list = []


def _run_decision_checks(case: Case, task: CaseTask) -> None:
    for check_decision in before_decision_checks:
        check_decision(case, task)


def open_stage(case: Case, stage: int, day: date, *, by) -> list[CaseTask]:
    """Open the waiting tasks of `stage`; each department hears of its new 待审查 (实时流转)."""
    tasks = list(case.tasks.filter(stage=stage, status=TaskStatus.WAITING).select_related("unit", "item"))
    CaseTask.objects.filter(pk__in=[t.pk for t in tasks]).update(status=TaskStatus.REVIEWING, opened_on=day)
    _copy_steps(tasks, day)
    if stage > 1 and tasks:
        event(case, "case.stage_opened", f"进入第 {stage} 阶段：{'、'.join(t.item.name for t in tasks)}", by=by, stage=stage)
    for task in tasks:
        tell_users(staff_users(unit=task.unit_id), title=f"待审查：{case.number} {task.item.name}",
                   body=f"{case.applicant_name} 的申请已受理，请在时限内审查。", case=case, code="cases.task_opened",
                   dedupe=f"cases.task_opened.{task.pk}")
    return tasks


def _copy_steps(tasks: list[CaseTask], day: date) -> None:
    """The catalogue's steps of each opened task become its own steps (one read, one insert, one update per
    distinct count): the first is current from `day`; the last is completed by the decision."""
    from tongban.catalog.models import Step

    by_item: dict[int, list] = {}
    for step in Step.objects.filter(item_id__in={t.item_id for t in tasks}).order_by("item_id", "order"):
        by_item.setdefault(step.item_id, []).append(step)
    rows, before_decision = [], {}
    for task in tasks:
        steps = by_item.get(task.item_id, [])
        rows += [TaskStep(task=task, order=n, name=step.name, actor_label=step.actor, days=step.days,
                          status=StepStatus.CURRENT if n == 1 else StepStatus.WAITING,
                          started_on=day if n == 1 else None) for n, step in enumerate(steps, start=1)]
        before_decision.setdefault(max(len(steps) - 1, 0), []).append(task.pk)
    TaskStep.objects.bulk_create(rows)
    for count, pks in before_decision.items():
        if count:
            CaseTask.objects.filter(pk__in=pks).update(steps_before_decision=count)


def _finish_steps(task: CaseTask, day: date, *, by, opinion: str) -> None:
    """The decision completes the task's last step (every earlier one is done: the table's guard)."""
    task.steps.filter(status=StepStatus.CURRENT).update(status=StepStatus.DONE, completed_on=day, completed_by=by,
                                                        opinion=opinion)


def locked_task(case: Case, task: CaseTask | None) -> CaseTask:
    """The task named for an action on `case`, re-read under a row lock (it must belong to the case)."""
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
    case.delivery_workdays = CaseSettings.load().delivery_workdays  # §44: the result goes out within these days
    case.save(update_fields=["status", "decision", "decision_reason", "decided_on", "delivery_workdays", "updated_at"])
    event(case, "case.decided", f"审批决定：{Decision(decision).label}（{reason}）", by=by, decision=decision)
    case_decided.send(sender=Case, case=case, by=by)
    tell_users(staff_users(window=case.delivery_window_id), title=f"待出件：{case.number} {case.title}",
               body=f"审批结果：{Decision(decision).label}，请通知申请人领取。", case=case, code="cases.ready",
               dedupe=f"cases.ready.{case.pk}")


@transaction.atomic
def approve(case: Case, *, by, task: CaseTask | None, reason: str, result_number: str = "",
            reviewed_by=None) -> Case:
    """准予. `reviewed_by`: the reviewer whose earlier conditional approval this makes formal (projects' 模拟审批) —
    the role check is theirs, while the decision is recorded as `by`'s."""
    case = lock(case)
    task = locked_task(case, task)
    check("approve", case, reviewed_by or by, task, reason=reason)
    _run_decision_checks(case, task)
    day = today()
    task.status, task.decided_on, task.decided_by, task.reason = TaskStatus.APPROVED, day, by, reason.strip()
    task.result_number = (result_number or "").strip()[:60]
    task.save(update_fields=["status", "decided_on", "decided_by", "reason", "result_number", "updated_at"])
    _finish_steps(task, day, by=by, opinion=reason.strip())
    event(case, "case.task_approved", f"{task.unit.name}准予：{task.item.name}（{reason.strip()}）", by=by, task=task)
    _advance(case, day, by=by)
    return save_and_clock(case, [])


@transaction.atomic
def deny(case: Case, *, by, task: CaseTask | None, reason: str) -> Case:
    """不予许可 of one department ends the case: the other tasks stop, the decision is 不予许可."""
    case = lock(case)
    task = locked_task(case, task)
    check("deny", case, by, task, reason=reason)
    _run_decision_checks(case, task)
    day = today()
    task.status, task.decided_on, task.decided_by, task.reason = TaskStatus.DENIED, day, by, reason.strip()
    task.save(update_fields=["status", "decided_on", "decided_by", "reason", "updated_at"])
    _finish_steps(task, day, by=by, opinion=reason.strip())
    cancel_open_tasks(case)
    event(case, "case.task_denied", f"{task.unit.name}不予许可：{task.item.name}（{reason.strip()}）", by=by, task=task)
    _decide(case, Decision.DENIED, reason.strip(), day, by=by)
    return save_and_clock(case, [])


def cancel_open_tasks(case: Case) -> None:
    """The case ended before these tasks were decided (不予许可 elsewhere, 撤回): they and their open steps stop."""
    TaskStep.objects.filter(task__case=case, status__in=[StepStatus.CURRENT, StepStatus.WAITING]).exclude(
        task__status__in=TASK_DONE).update(status=StepStatus.CANCELLED)
    Extension.objects.filter(case=case, status=ExtensionStatus.PENDING).update(status=ExtensionStatus.CANCELLED)
    case.tasks.exclude(status__in=TASK_DONE).update(status=TaskStatus.CANCELLED, extension_pending=False)


@transaction.atomic
def complete_step(case: Case, *, by, task: CaseTask | None, reason: str) -> Case:
    """环节: the reviewer completes the task's current step with an opinion; the next one starts today with
    its own clock. The last step is not completed here: it is the decision (准予 / 不予许可)."""
    case = lock(case)
    task = locked_task(case, task)
    check("complete_step", case, by, task, reason=reason)
    day = today()
    steps = list(task.steps.filter(status__in=[StepStatus.CURRENT, StepStatus.WAITING]).order_by("order")[:2])
    current, following = steps[0], steps[1]  # the guard leaves at least the decision step after the current one
    TaskStep.objects.filter(pk=current.pk).update(status=StepStatus.DONE, completed_on=day, completed_by=by,
                                                  opinion=reason.strip())
    TaskStep.objects.filter(pk=following.pk).update(status=StepStatus.CURRENT, started_on=day)
    task.steps_before_decision -= 1
    task.save(update_fields=["steps_before_decision", "updated_at"])
    event(case, "case.step_completed", f"{task.unit.name}完成环节“{current.name}”：{reason.strip()}；"
          f"下一环节“{following.name}”", by=by, task=task, step=current.order)
    return save_and_clock(case, [])


@transaction.atomic
def suspend(case: Case, *, by, task: CaseTask | None, kind: str, reason: str) -> Case:
    """特别程序 (§45): the clock stops from today until it is resumed; the applicant is told in writing."""
    case = lock(case)
    task = locked_task(case, task)
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
