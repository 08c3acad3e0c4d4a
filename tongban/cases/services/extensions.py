"""§42 延长审批期限: a reviewer asks on their task, with a reason and a number of working days; the head of the
reviewing department (or a centre leader) approves or refuses. On approval the task's and the case's stored
clocks grow by those working days (`clocks.refresh_case_clocks`), the applicant is told in writing (延长审批期限
告知书, `notices.py`) and the case page shows the extension.

Caps (CaseSettings, sources in RULES.md): a task at most `extension_max_workdays` (10, §42 ¶1) in all; a case
at most the same, or `joint_extension_max_workdays` (15, §42 ¶2) for a 一件事 handled jointly."""
from __future__ import annotations

from django.db import transaction

from tongban.cases.choices import ExtensionStatus
from tongban.cases.error_codes import CaseError, case_error
from tongban.cases.models import Case, CaseSettings, CaseTask, Extension
from tongban.cases.services.common import actor, check, event, lock, save_and_clock, tell_users, today
from tongban.cases.services.review import locked_task


def caps(case: Case, task: CaseTask, policy: CaseSettings | None = None) -> tuple[int, int]:
    """(the most working days this task may still be extended by, the legal cap that applies)."""
    policy = policy or CaseSettings.load()
    case_cap = policy.joint_extension_max_workdays if case.bundle_id else policy.extension_max_workdays
    task_left = policy.extension_max_workdays - task.extended_workdays
    case_left = case_cap - case.extended_workdays
    return max(0, min(task_left, case_left)), min(policy.extension_max_workdays, case_cap)


def _check_days(case: Case, task: CaseTask, workdays) -> int:
    most, cap = caps(case, task)
    used = max(task.extended_workdays, case.extended_workdays)
    if most == 0:
        raise case_error(CaseError.EXTENSION_USED_UP, used=used, cap=cap)
    if not isinstance(workdays, int) or isinstance(workdays, bool) or not 1 <= workdays <= most:
        raise case_error(CaseError.EXTENSION_DAYS, most=most, cap=cap, used=used)
    return workdays


def heads_of(task: CaseTask) -> list[int]:
    """Who can approve: unit heads over the reviewing department, and the centre's leaders."""
    from tongban.org.choices import Role
    from tongban.org.models import Staff

    paths = [task.unit.path[:n] for n in range(1, len(task.unit.path) + 1)]
    heads = Staff.objects.filter(is_active=True, user__isnull=False, role=Role.UNIT_HEAD, unit__path__in=paths)
    leaders = Staff.objects.filter(is_active=True, user__isnull=False, role=Role.CENTER_LEADER)
    return list(heads.values_list("user_id", flat=True)) + list(leaders.values_list("user_id", flat=True))


@transaction.atomic
def request_extension(case: Case, *, by, task: CaseTask | None, workdays, reason: str) -> Case:
    case = lock(case)
    task = locked_task(case, task)
    check("request_extension", case, by, task, reason=reason)
    workdays = _check_days(case, task, workdays)
    Extension.objects.create(case=case, task=task, workdays=workdays, reason=reason.strip(), requested_on=today(),
                             requested_by=actor(by), due_before=task.due_date)
    task.extension_pending = True
    task.save(update_fields=["extension_pending", "updated_at"])
    event(case, "case.extension_requested", f"{task.unit.name}申请延长审批期限 {workdays} 个工作日：{reason.strip()}",
          by=by, task=task, workdays=workdays)
    tell_users(heads_of(task), title=f"延长审批期限待审批：{case.number} {task.item.name}",
               body=f"{task.unit.name}申请延长 {workdays} 个工作日：{reason.strip()}", case=case,
               code="cases.extension_requested", dedupe=f"cases.extension_requested.{task.pk}.{task.extended_workdays}")
    return case


def _for_decision(action: str, case: Case, by, task: CaseTask | None, reason: str):
    """The locked case and task and the pending request a head decides on — never their own."""
    case = lock(case)
    task = locked_task(case, task)
    check(action, case, by, task, reason=reason)
    extension = Extension.objects.select_for_update().get(task=task, status=ExtensionStatus.PENDING)
    if extension.requested_by_id and extension.requested_by_id == getattr(by, "pk", None):
        raise case_error(CaseError.EXTENSION_OWN)
    return case, task, extension


@transaction.atomic
def approve_extension(case: Case, *, by, task: CaseTask | None, reason: str = "") -> Case:
    """The head approves: the task's and the case's budgets grow by the days asked; both due dates move."""
    case, task, extension = _for_decision("approve_extension", case, by, task, reason)
    _check_days(case, task, extension.workdays)  # the caps again: a setting may have changed meanwhile
    day = today()
    extension.due_before = task.due_date  # as it stands now (a suspension may have moved it since the request)
    CaseTask.objects.filter(pk=task.pk).update(extended_workdays=task.extended_workdays + extension.workdays,
                                               extension_pending=False)
    case.extended_workdays += extension.workdays
    case = save_and_clock(case, ["extended_workdays"])
    task.refresh_from_db(fields=["due_date", "extended_workdays"])
    extension.status, extension.decided_on, extension.decided_by = ExtensionStatus.APPROVED, day, actor(by)
    extension.decision_note, extension.due_after = reason.strip(), task.due_date
    extension.save()
    event(case, "case.extension_approved", f"批准延长审批期限 {extension.workdays} 个工作日（{extension.reason}），"
          f"{task.item.name}到期日延至 {task.due_date.isoformat()}，办件到期日 {case.due_date.isoformat()}", by=by,
          task=task, workdays=extension.workdays, extension=extension.pk)
    tell_users([extension.requested_by_id], title=f"延长审批期限已批准：{case.number}",
               body=f"延长 {extension.workdays} 个工作日，到期日 {task.due_date.isoformat()}。请告知申请人延长的理由。",
               case=case, code="cases.extension_decided", dedupe=f"cases.extension_decided.{extension.pk}")
    return case


@transaction.atomic
def refuse_extension(case: Case, *, by, task: CaseTask | None, reason: str) -> Case:
    case, task, extension = _for_decision("refuse_extension", case, by, task, reason)
    extension.status, extension.decided_on, extension.decided_by = ExtensionStatus.REFUSED, today(), actor(by)
    extension.decision_note = reason.strip()
    extension.save()
    task.extension_pending = False
    task.save(update_fields=["extension_pending", "updated_at"])
    event(case, "case.extension_refused", f"不予批准延长审批期限：{reason.strip()}", by=by, task=task,
          extension=extension.pk)
    tell_users([extension.requested_by_id], title=f"延长审批期限未批准：{case.number}", body=reason.strip(),
               case=case, code="cases.extension_decided", dedupe=f"cases.extension_decided.{extension.pk}")
    return case
