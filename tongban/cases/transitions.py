"""The one state-transition table of a case: which action is allowed in which status, by which role.

The services check it before they write (`check(action, case, user)`), the case page draws its buttons from
it (`actions_for(case, user)`), and the API's `POST /api/v1/cases/{id}/transitions/` names the same actions.
Every action writes one `CaseEvent` whose stable code maps to the national case-status code (BLZT, RULES.md),
so an export to the provincial platform needs no second model.

Roles are relations between a person and a case, not system roles (`roles_of`):

- ``intake``    the clerk at the window that received the case (前台综合受理);
- ``reviewer``  staff of a department with a task of the case in 待审查 (后台分类审批);
- ``delivery``  the clerk at the case's delivery window (统一出件);
- ``leader``    the centre's leaders and administrators, and a unit or township head over the intake unit:
                they may act for an absent clerk, on what they can see;
- ``system``    scheduled jobs (the §32 deemed acceptance).
"""
from __future__ import annotations

from dataclasses import dataclass

from tongban.cases.choices import CaseStatus as S

INTAKE, REVIEWER, DELIVERY, LEADER, SYSTEM = "intake", "reviewer", "delivery", "leader", "system"
ROLE_LABELS = {INTAKE: "受理窗口", REVIEWER: "审查部门", DELIVERY: "出件窗口", LEADER: "领导", SYSTEM: "系统"}


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    roles: tuple[str, ...]
    event: str  # the stable event code
    blzt: int | None  # the national case-status code the event maps to
    on_task: bool = False  # acts on one department's task (the API names the task)
    reason_required: bool = False
    style: str = "primary"
    confirm: str = ""


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("notify_correction", "一次性告知（补正）", (S.RECEIVED,), (INTAKE, LEADER),
               "case.correction_notified", 6, style="warning"),
    Transition("correct", "补正材料已收齐", (S.CORRECTING,), (INTAKE, LEADER), "case.corrected", 7),
    Transition("accept", "受理", (S.RECEIVED,), (INTAKE, LEADER), "case.accepted", 3, style="success"),
    Transition("accept_pending", "容缺受理", (S.RECEIVED, S.CORRECTING), (INTAKE, LEADER),
               "case.accepted_pending", 3, style="success"),
    Transition("deem_accepted", "视为受理（§32）", (S.RECEIVED,), (SYSTEM,), "case.deemed_accepted", 3),
    Transition("refuse", "不予受理", (S.RECEIVED, S.CORRECTING), (INTAKE, LEADER), "case.refused", 4,
               reason_required=True, style="danger", confirm="确定不予受理？"),
    Transition("supply_pending", "容缺材料已补齐", (S.REVIEWING, S.SUSPENDED, S.READY), (INTAKE, DELIVERY, LEADER),
               "case.pending_supplied", None, style="secondary"),
    Transition("approve", "准予", (S.REVIEWING,), (REVIEWER,), "case.task_approved", 8, on_task=True,
               reason_required=True, style="success"),
    Transition("deny", "不予许可", (S.REVIEWING,), (REVIEWER,), "case.task_denied", 8, on_task=True,
               reason_required=True, style="danger", confirm="确定不予许可？"),
    Transition("suspend", "特别程序", (S.REVIEWING,), (REVIEWER,), "case.suspended", 9, on_task=True,
               reason_required=True, style="secondary"),
    Transition("resume", "特别程序结束", (S.SUSPENDED,), (REVIEWER, LEADER), "case.resumed", 10, style="secondary"),
    Transition("deliver", "出件办结", (S.READY,), (DELIVERY, LEADER), "case.delivered", 11, style="success"),
    Transition("withdraw", "申请人撤回", (S.RECEIVED, S.CORRECTING, S.REVIEWING, S.SUSPENDED),
               (INTAKE, LEADER), "case.withdrawn", 2, reason_required=True, style="outline-danger",
               confirm="确定登记申请人撤回？"),
]}

# Events that are not transitions, with their BLZT code where one exists.
OTHER_EVENTS = {
    "case.received": 1,
    "case.stage_opened": None,
    "case.decided": None,  # the case's decision (11/12/13 are given when it is delivered)
    "case.pending_overdue": None,
    "case.intake_warned": None,
    "case.personal_data_revealed": None,
}
# The BLZT code of the close: 11 approved, 12 approved under 容缺, 13 refused; 14 a withdrawal after acceptance.
BLZT_CLOSED_APPROVED, BLZT_CLOSED_PENDING, BLZT_CLOSED_DENIED, BLZT_RECALLED = 11, 12, 13, 14



def blzt_of(code: str) -> int | None:
    """The national case-status code of an event code: its transition's, else OTHER_EVENTS' (or none)."""
    transition = next((t for t in TRANSITIONS.values() if t.event == code), None)
    return transition.blzt if transition else OTHER_EVENTS.get(code)


EVENT_LABELS = {t.event: t.label for t in TRANSITIONS.values()} | {
    "case.received": "收件登记", "case.stage_opened": "进入下一阶段", "case.decided": "审批决定",
    "case.pending_overdue": "容缺材料逾期未补", "case.intake_warned": "受理期限提醒（§32）",
    "case.personal_data_revealed": "查看完整个人信息",
}


def roles_of(user, case, task=None) -> set[str]:
    """The roles `user` holds on `case` (and on `task`, for the reviewer's role)."""
    from tongban.cases.models import CaseTask
    from tongban.org.choices import Role
    from tongban.org.scopes import scope_for

    if user is None:
        return {SYSTEM}
    scope = scope_for(user)
    if scope.is_empty:
        return set()
    roles: set[str] = set()
    staff = getattr(user, "staff", None)
    window_id = getattr(staff, "window_id", None) if staff is not None else None
    if window_id and window_id == case.intake_window_id:
        roles.add(INTAKE)
    if window_id and window_id == case.delivery_window_id:
        roles.add(DELIVERY)
    tasks = CaseTask.objects.filter(case_id=case.pk, status="reviewing")
    if task is not None:
        tasks = tasks.filter(pk=task.pk)
    if staff is not None and tasks.filter(unit_id=staff.unit_id).exists():
        roles.add(REVIEWER)
    elif staff is not None and scope.role == Role.UNIT_HEAD and tasks.filter(
            unit__path__startswith=staff.unit.path).exists():
        roles.add(REVIEWER)
    if user.is_superuser or scope.role in (Role.CENTER_LEADER, Role.SYSTEM_ADMIN):
        roles.add(LEADER)
    elif scope.role in (Role.UNIT_HEAD, Role.TOWNSHIP_ADMIN) and any(
            case.intake_unit.path.startswith(path) for path in scope.subtree_paths):
        roles.add(LEADER)
    return roles


def allowed(action: str, case, user, task=None) -> bool:
    transition = TRANSITIONS.get(action)
    if transition is None or case.status not in transition.sources:
        return False
    return bool(roles_of(user, case, task) & set(transition.roles))


def actions_for(case, user) -> list[Transition]:
    """The case-level buttons `user` gets on `case` (task actions are drawn per task: `task_actions_for`)."""
    roles = roles_of(user, case)
    return [t for t in TRANSITIONS.values()
            if not t.on_task and case.status in t.sources and roles & set(t.roles) and SYSTEM not in t.roles]


def task_actions_for(task, user) -> list[Transition]:
    if task.status != "reviewing":
        return []
    roles = roles_of(user, task.case, task)
    return [t for t in TRANSITIONS.values()
            if t.on_task and task.case.status in t.sources and roles & set(t.roles)]
