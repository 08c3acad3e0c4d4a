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
- ``head``      本行政机关负责人 for a task (§42): the unit head over the reviewing department, or a centre
                leader / administrator — approves or refuses an extension of the time limit;
- ``system``    scheduled jobs (the §32 deemed acceptance);
- ``outlet``    the clerk at a bank / post outlet that took the case for the county (异地代收): may only
                forward it (or record a withdrawal) — the competent unit's window decides;
- ``applicant`` the holder of the private tracking link of an online case: answers the one-time correction
                notice by uploading the files (never a staff role; the service checks the link's token).
"""
from __future__ import annotations

from dataclasses import dataclass

from tongban.cases.choices import CaseStatus as S

INTAKE, REVIEWER, DELIVERY, LEADER, HEAD, SYSTEM = "intake", "reviewer", "delivery", "leader", "head", "system"
OUTLET, APPLICANT = "outlet", "applicant"
ROLE_LABELS = {INTAKE: "受理窗口", REVIEWER: "审查部门", DELIVERY: "出件窗口", LEADER: "领导",
               HEAD: "审查部门负责人或中心领导", SYSTEM: "系统", OUTLET: "代收网点", APPLICANT: "申请人（网上）"}


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
    guard: str = ""  # a condition on the task (GUARDS) besides status and role


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("notify_correction", "一次性告知（补正）", (S.RECEIVED, S.PRECHECK), (INTAKE, LEADER),
               "case.correction_notified", 6, style="warning"),
    Transition("correct", "补正材料已收齐", (S.CORRECTING,), (INTAKE, LEADER), "case.corrected", 7),
    Transition("correct_online", "网上补正材料", (S.CORRECTING,), (APPLICANT,), "case.corrected_online", 7),
    Transition("accept", "受理", (S.RECEIVED, S.PRECHECK), (INTAKE, LEADER), "case.accepted", 3, style="success"),
    Transition("accept_pending", "容缺受理", (S.RECEIVED, S.PRECHECK, S.CORRECTING), (INTAKE, LEADER),
               "case.accepted_pending", 3, style="success"),
    Transition("deem_accepted", "视为受理（§32）", (S.RECEIVED, S.PRECHECK), (SYSTEM,), "case.deemed_accepted", 3),
    Transition("refuse", "不予受理", (S.RECEIVED, S.PRECHECK, S.CORRECTING), (INTAKE, LEADER), "case.refused", 4,
               reason_required=True, style="danger", confirm="确定不予受理？"),
    Transition("supply_pending", "容缺材料已补齐", (S.REVIEWING, S.SUSPENDED, S.READY), (INTAKE, DELIVERY, LEADER),
               "case.pending_supplied", None, style="secondary"),
    Transition("complete_step", "完成本环节", (S.REVIEWING,), (REVIEWER,), "case.step_completed", None,
               on_task=True, reason_required=True, guard="step_open"),
    Transition("approve", "准予", (S.REVIEWING,), (REVIEWER,), "case.task_approved", 8, on_task=True,
               reason_required=True, style="success", guard="steps_done"),
    Transition("deny", "不予许可", (S.REVIEWING,), (REVIEWER,), "case.task_denied", 8, on_task=True,
               reason_required=True, style="danger", confirm="确定不予许可？", guard="steps_done"),
    Transition("suspend", "特别程序", (S.REVIEWING,), (REVIEWER,), "case.suspended", 9, on_task=True,
               reason_required=True, style="secondary"),
    Transition("request_extension", "申请延长审批期限", (S.REVIEWING,), (REVIEWER,), "case.extension_requested", None,
               on_task=True, reason_required=True, style="outline-secondary", guard="no_extension"),
    Transition("approve_extension", "批准延长", (S.REVIEWING, S.SUSPENDED), (HEAD,), "case.extension_approved", None,
               on_task=True, style="success", guard="extension_pending"),
    Transition("refuse_extension", "不予批准延长", (S.REVIEWING, S.SUSPENDED), (HEAD,), "case.extension_refused",
               None, on_task=True, reason_required=True, style="outline-danger", guard="extension_pending"),
    Transition("resume", "特别程序结束", (S.SUSPENDED,), (REVIEWER, LEADER), "case.resumed", 10, style="secondary"),
    Transition("deliver", "出件办结", (S.READY,), (DELIVERY, LEADER), "case.delivered", 11, style="success"),
    Transition("forward", "转送", (S.RECEIVED, S.PRECHECK), (INTAKE, OUTLET, LEADER), "case.forwarded", None,
               style="outline-primary"),
    Transition("withdraw", "申请人撤回", (S.RECEIVED, S.PRECHECK, S.CORRECTING, S.REVIEWING, S.SUSPENDED),
               (INTAKE, OUTLET, LEADER), "case.withdrawn", 2, reason_required=True, style="outline-danger",
               confirm="确定登记申请人撤回？"),
]}

# Conditions on a task that the table names (`Transition.guard`): read from stored columns of the task, so
# the buttons need no query; the services check them under the task's row lock.
GUARDS = {
    "step_open": lambda task: task.steps_before_decision > 0,  # a step before the decision is still open
    "steps_done": lambda task: task.steps_before_decision == 0,  # only the decision (the last step) is left
    "no_extension": lambda task: not task.extension_pending,
    "extension_pending": lambda task: task.extension_pending,
}

# Events that are not transitions, with their BLZT code where one exists.
OTHER_EVENTS = {
    "case.received": 1,
    "case.submitted_online": 1,  # 全程网办 / 掌上办: the online application is the receipt
    "case.stage_opened": None,
    "case.decided": None,  # the case's decision (11/12/13 are given when it is delivered)
    "case.pending_overdue": None,
    "case.intake_warned": None,
    "case.personal_data_revealed": None,
    "case.terms_set": None,  # a programme sets the case's limit or priority (projects: stage limit, green channel)
    # The provincial platform's exchange (cases/province.py): its statuses without a transition here.
    "case.revoked": 15,
    "case.withdrawal_requested": 16,
    "case.imported": None,
    "case.reimported": None,
    "case.signed": None,  # 电子签名 (app archives)
    "case.archived": None,  # 电子档案 (app archives)
}
# The BLZT code of the close: 11 approved, 12 approved under 容缺, 13 refused; 14 a withdrawal after acceptance.
BLZT_CLOSED_APPROVED, BLZT_CLOSED_PENDING, BLZT_CLOSED_DENIED, BLZT_RECALLED = 11, 12, 13, 14

# The statuses a case never leaves: no transition above starts from them.
FINAL = (S.REFUSED, S.CLOSED, S.WITHDRAWN)


def _sources_of(blzt: int) -> tuple[str, ...]:
    """Every status from which a transition carrying `blzt` may start (the table above)."""
    found: list[str] = []
    for t in TRANSITIONS.values():
        if t.blzt == blzt:
            found += [s for s in t.sources if s not in found]
    return tuple(found)


@dataclass(frozen=True)
class ProvinceStep:
    """What one status row of the provincial platform (cases/province.py) does to a case: allowed from
    `sources` (None: only as a case's first row), it moves the case to `target` (None: the status stays)."""
    blzt: int
    label: str
    sources: tuple[str, ...] | None
    target: str | None


_OPEN = (S.RECEIVED, S.PRECHECK, S.CORRECTING, S.REVIEWING, S.SUSPENDED, S.READY)
_AFTER_ACCEPTANCE = (S.REVIEWING, S.SUSPENDED)
# The provincial import reads each row through this table, built from the transitions' own sources; where the
# province has a code tongban has no transition for, or writes a step tongban takes in two, the extra sources
# are named here. The province's status stream is per department, so a joint approval's case is 待出件 after
# the first department's 8 while another still works on it: 8, 9 特别程序开始, 10 特别程序结束, 5 退回 and
# 14 撤件 also come from 待出件 (a 10 still needs its 9: the import pairs them). 11—13 may close a case
# straight from 审查中 (即办件: the province writes no 8); 5 退回 may come from the department after acceptance;
# 15 撤销 is a mark on the record in any status; 16 撤回待确认 on an open case. No row leads out of a final status.
_DEPARTMENT = (*_AFTER_ACCEPTANCE, S.READY)
PROVINCE_STEPS: dict[int, ProvinceStep] = {step.blzt: step for step in [
    ProvinceStep(1, "收件", None, S.RECEIVED),
    ProvinceStep(2, "受理前撤回", _sources_of(2), S.WITHDRAWN),
    ProvinceStep(3, "窗口受理", _sources_of(3), S.REVIEWING),
    ProvinceStep(4, "不予受理", _sources_of(4), S.REFUSED),
    ProvinceStep(5, "退回", (*_sources_of(4), *_DEPARTMENT), S.REFUSED),
    ProvinceStep(6, "补正开始", _sources_of(6), S.CORRECTING),
    ProvinceStep(7, "补正结束", _sources_of(7), S.RECEIVED),
    ProvinceStep(8, "部门办理完毕", (*_sources_of(8), S.READY), S.READY),
    ProvinceStep(9, "特别程序开始", (*_sources_of(9), S.READY), S.SUSPENDED),
    ProvinceStep(10, "特别程序结束", (*_sources_of(10), S.READY), S.REVIEWING),
    ProvinceStep(11, "办结（准予）", (*_sources_of(11), S.REVIEWING), S.CLOSED),
    ProvinceStep(12, "办结（容缺准予）", (*_sources_of(11), S.REVIEWING), S.CLOSED),
    ProvinceStep(13, "办结（不予许可）", (*_sources_of(11), S.REVIEWING), S.CLOSED),
    ProvinceStep(14, "撤件", _DEPARTMENT, S.WITHDRAWN),
    ProvinceStep(15, "撤销", (*_OPEN, *FINAL), None),
    ProvinceStep(16, "撤回待确认", _OPEN, None),
]}


def province_step(status: str | None, blzt: int) -> str | None:
    """The status after a provincial row with `blzt` on a case in `status` (None: before its first row).
    Raises ValueError with the Chinese reason when the table has no such move."""
    from tongban.cases.choices import CaseStatus

    step = PROVINCE_STEPS[blzt]
    if status is None:
        if step.sources is not None:
            raise ValueError(f"第一条记录应为收件（办理状态代码 1），文件中为“{step.label}”（{blzt}）")
        return step.target
    if step.sources is None or status not in step.sources:
        label = CaseStatus(status).label
        if status in FINAL:
            raise ValueError(f"办件已是“{label}”（已结束），不能再有“{step.label}”（办理状态代码 {blzt}）：已结束的办件不能重新打开")
        raise ValueError(f"办件处于“{label}”时不能有“{step.label}”（办理状态代码 {blzt}）")
    return step.target or status



def blzt_of(code: str) -> int | None:
    """The national case-status code of an event code: its transition's, else OTHER_EVENTS' (or none)."""
    transition = next((t for t in TRANSITIONS.values() if t.event == code), None)
    return transition.blzt if transition else OTHER_EVENTS.get(code)


EVENT_LABELS = {t.event: t.label for t in TRANSITIONS.values()} | {
    "case.received": "收件登记", "case.submitted_online": "网上申请", "case.stage_opened": "进入下一阶段", "case.decided": "审批决定",
    "case.pending_overdue": "容缺材料逾期未补", "case.intake_warned": "受理期限提醒（§32）",
    "case.personal_data_revealed": "查看完整个人信息", "case.terms_set": "调整时限或优先级",
    "case.revoked": "撤销", "case.withdrawal_requested": "撤回待确认", "case.imported": "由省平台导入",
    "case.reimported": "按省平台数据更新",
    "case.signed": "申请人电子签名", "case.archived": "电子档案归档",
}


def _task_roles(user, scope, staff, task) -> set[str]:
    """REVIEWER and HEAD on one open task, from the task's unit (loaded with it): no query."""
    from tongban.org.choices import Role

    if task.status != "reviewing":
        return set()
    from tongban.org.scopes import acts_for_unit

    roles: set[str] = set()
    head_here = staff is not None and scope.role == Role.UNIT_HEAD and task.unit.path.startswith(staff.unit.path)
    if acts_for_unit(user, task.unit):  # the one definition of who works a department's business
        roles.add(REVIEWER)
    if head_here or user.is_superuser or scope.role in (Role.CENTER_LEADER, Role.SYSTEM_ADMIN):
        roles.add(HEAD)
    return roles


def roles_on_case(user, case, tasks=None) -> tuple[set[str], dict[int, set[str]]]:
    """The roles `user` holds on `case` itself, and on each of its open tasks ({task id: roles}).

    `tasks` are the case's tasks loaded with their unit (the case page has them): then no query is made
    for them, whatever their number; without them the open tasks are read in one query."""
    from tongban.cases.models import CaseTask
    from tongban.org.choices import Role
    from tongban.org.scopes import scope_for

    if user is None:
        return {SYSTEM}, {}
    scope = scope_for(user)
    if scope.is_empty:
        return set(), {}
    roles: set[str] = set()
    staff = getattr(user, "staff", None)
    window_id = getattr(staff, "window_id", None) if staff is not None else None
    if window_id and window_id == case.intake_window_id:
        # An outlet takes the application for the county and forwards it; it does not decide (异地代收).
        roles.add(OUTLET if case.channel == "outlet" and case.first_unit_id is None else INTAKE)
    if window_id and window_id == case.delivery_window_id:
        roles.add(DELIVERY)
    if user.is_superuser or scope.role in (Role.CENTER_LEADER, Role.SYSTEM_ADMIN):
        roles.add(LEADER)
    elif scope.role in (Role.UNIT_HEAD, Role.TOWNSHIP_ADMIN) and any(
            case.intake_unit.path.startswith(path) for path in scope.subtree_paths):
        roles.add(LEADER)
    if tasks is None:
        tasks = CaseTask.objects.filter(case_id=case.pk, status="reviewing").select_related("unit")
    by_task = {task.pk: _task_roles(user, scope, staff, task) for task in tasks}
    return roles, by_task


def roles_of(user, case, task=None) -> set[str]:
    """The roles `user` holds on `case` (and on `task`, for the task's roles: reviewer, head), with the open
    tasks read from the database (one query), so a stale task object gives no role."""
    roles, by_task = roles_on_case(user, case)
    for pk, task_roles in by_task.items():
        if task is None or pk == task.pk:
            roles |= task_roles
    return roles


def allowed(action: str, case, user, task=None) -> bool:
    transition = TRANSITIONS.get(action)
    if transition is None or case.status not in transition.sources:
        return False
    if transition.guard and (task is None or not GUARDS[transition.guard](task)):
        return False
    return bool(roles_of(user, case, task) & set(transition.roles))


def _case_buttons(case, roles: set[str]) -> list[Transition]:
    return [t for t in TRANSITIONS.values()
            if not t.on_task and case.status in t.sources and roles & set(t.roles) and SYSTEM not in t.roles]


def _task_buttons(case, task, roles: set[str]) -> list[Transition]:
    if task.status != "reviewing":
        return []
    return [t for t in TRANSITIONS.values()
            if t.on_task and case.status in t.sources and roles & set(t.roles)
            and (not t.guard or GUARDS[t.guard](task))]


def actions_for(case, user) -> list[Transition]:
    """The case-level buttons `user` gets on `case` (task actions are drawn per task: `task_actions_for`)."""
    roles, by_task = roles_on_case(user, case)
    for task_roles in by_task.values():
        roles |= task_roles
    return _case_buttons(case, roles)


def task_actions_for(task, user) -> list[Transition]:
    if task.status != "reviewing":
        return []
    roles, by_task = roles_on_case(user, task.case)
    return _task_buttons(task.case, task, roles | by_task.get(task.pk, set()))


def page_actions(case, user, tasks) -> tuple[list[Transition], dict[int, list[Transition]]]:
    """Every button of a case page at once: the case's, and each task's ({task id: buttons}). `tasks` are all
    the case's tasks, loaded with their unit: the roles are worked out once, with no query per task."""
    roles, by_task = roles_on_case(user, case, tasks)
    case_roles = set(roles)
    for task_roles in by_task.values():
        case_roles |= task_roles
    return _case_buttons(case, case_roles), {
        task.pk: _task_buttons(case, task, roles | by_task.get(task.pk, set())) for task in tasks}
