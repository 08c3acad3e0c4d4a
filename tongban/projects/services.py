"""Writes of the projects app. Each stage goes through the cases machinery (`intake.receive_case`, `accept`,
`review.approve`): the project adds the shared data, the stage's limit, the green channel, the coordination
round, 告知承诺 and 模拟审批 around it. Every write is atomic and records a history event."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.cases.choices import CaseStatus, Decision, TaskStatus
from tongban.cases.identity import validate_credit_code, validate_phone
from tongban.cases.models import Case, CaseTask
from tongban.cases.services import intake, review
from tongban.cases.services.common import check, today
from tongban.cases.services.terms import set_terms
from tongban.history.services import record_event
from tongban.org.people import person_name
from tongban.org.scopes import acts_for_unit, scope_for
from tongban.projects.choices import Opinion, ProjectKind, SimulatedStatus, Stage, VerificationResult
from tongban.projects.models import (
    Commitment,
    CoordinationOpinion,
    Project,
    ProjectSettings,
    ProjectStage,
    SimulatedApproval,
    StageSetup,
)
from tongban.workdays.services import add_workdays


def error(message: str, code: str, field: str | None = None) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]} if field else ValidationError(message, code=code))


# --- The project ------------------------------------------------------------------------------------------

PROJECT_FIELDS = ("name", "code", "builder_name", "builder_credit_code", "builder_phone", "builder_contact", "location",
                  "kind", "investment", "land_area", "floor_area")


def clean_project(data: dict) -> dict:
    """Every problem of the project's data at once, `{field: [errors]}`, in Chinese."""
    errors: dict[str, list] = {}
    fields: dict = {}
    for name in PROJECT_FIELDS:
        value = data.get(name)
        fields[name] = value.replace("\x00", "").strip() if isinstance(value, str) else value
    for name, label in (("name", "项目名称"), ("code", "项目代码"), ("builder_name", "建设单位"),
                        ("builder_credit_code", "统一社会信用代码"), ("builder_phone", "联系电话"), ("location", "建设地点")):
        if not fields[name]:
            errors.setdefault(name, []).append(ValidationError(f"请填写{label}", code="project_required"))
        elif len(fields[name]) > Project._meta.get_field(name).max_length:
            errors.setdefault(name, []).append(ValidationError(f"{label}过长", code="project_too_long"))
    for name, check_value in (("builder_credit_code", validate_credit_code), ("builder_phone", validate_phone)):
        if fields[name] and name not in errors:
            try:
                check_value(fields[name])
            except ValidationError as exc:
                errors.setdefault(name, []).extend(exc.error_list)
    if fields["kind"] not in ProjectKind.values:
        errors.setdefault("kind", []).append(ValidationError("请选择项目类型", code="project_kind"))
    for name, label, required in (("investment", "总投资", True), ("land_area", "用地面积", False),
                                  ("floor_area", "建筑面积", False)):
        raw = fields[name]
        if raw in (None, ""):
            fields[name] = None
            if required:
                errors.setdefault(name, []).append(ValidationError(f"请填写{label}", code="project_required"))
            continue
        try:
            number = Decimal(str(raw))
            if not number.is_finite() or number <= 0 or number >= Decimal("1e10"):
                raise InvalidOperation
            fields[name] = number.quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            errors.setdefault(name, []).append(ValidationError(f"{label}应为大于 0 的数字", code="project_number"))
    if fields["builder_contact"] is None:
        fields["builder_contact"] = ""
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def register_project(*, by, window, data: dict, green_channel: bool = False, land_secured: bool = True,
                     registered_on: date | None = None) -> Project:
    """项目登记 at a comprehensive window: the data entered once for all four stages."""
    fields = clean_project(data)
    if Project.objects.filter(code=fields["code"]).exists():
        raise error(f"项目代码“{fields['code']}”已登记", "project_code_taken", "code")
    project = Project.objects.create(**fields, green_channel=bool(green_channel), land_secured=bool(land_secured),
                                     unit=window.unit, window=window, registered_on=registered_on or today(),
                                     registered_by=by)
    record_event(project, "projects.registered", f"项目登记：{project.name}（{project.get_kind_display()}"
                 f"{'，绿色通道' if project.green_channel else ''}{'' if project.land_secured else '，尚未取得用地'}）", by=by)
    return project


def may_manage(project: Project, user) -> bool:
    """The centre's side of a project (registering, the green channel, land secured, applying for a stage):
    county-wide staff, and staff of the registering unit or above it."""
    if getattr(user, "is_superuser", False):
        return True
    scope = scope_for(user)
    if scope.everything and scope.role in ("center_leader", "system_admin"):
        return True
    staff = getattr(user, "staff", None)
    return staff is not None and staff.is_active and project.unit.path.startswith(staff.unit.path)


def _require_manager(project: Project, by) -> None:
    if not may_manage(project, by):
        raise error("只有项目登记单位（综合受理窗口）或中心领导可以办理", "project_not_manager")


@transaction.atomic
def set_green_channel(project: Project, *, by, on: bool) -> Project:
    """绿色通道: later stages are applied with shortened limits; the open stage's case goes first in every queue."""
    _require_manager(project, by)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.green_channel == bool(on):
        return project
    project.green_channel = bool(on)
    project.save(update_fields=["green_channel", "updated_at"])
    reason = "列入绿色通道" if on else "移出绿色通道"
    for case in Case.objects.filter(project_stage__project=project).order_by("pk"):  # four stages at most
        set_terms(case, by=by, reason=f"工程建设项目{reason}", priority=int(project.green_channel))
    record_event(project, "projects.green_channel", "列入绿色通道" if on else "移出绿色通道", by=by)
    return project


# --- A stage: one application ----------------------------------------------------------------------------


def next_stage(project: Project) -> int | None:
    """The stage the project may apply for now: the first, or the one after a stage whose case was approved."""
    done = {ps.stage: ps for ps in project.stages.select_related("case")}
    for stage in Stage.values:
        ps = done.get(stage)
        if ps is None:
            previous = done.get(stage - 1)
            if stage == 1 or (previous and previous.case.decision == Decision.APPROVED):
                return stage
            return None
        if ps.case.decision != Decision.APPROVED:
            return None
    return None


@transaction.atomic
def apply_stage(project: Project, *, by, window, materials: dict | None = None, form_data: dict | None = None,
                accept: bool = True, all_brought: bool = False, received_on: date | None = None) -> ProjectStage:
    """One stage = one application at the comprehensive window: the stage's 一件事 (one form, one set of
    materials) received as one case whose items run in parallel; the stage's limit (shortened in the green
    channel) is the case's promised limit, and no task may be longer. Accepted at once when every material is
    there (`accept`), else it waits in the clerk's intake queue like any case."""
    _require_manager(project, by)
    project = Project.objects.select_for_update().get(pk=project.pk)
    stage = next_stage(project)
    if stage is None:
        raise error("上一阶段尚未办结准予，或四个阶段都已申请", "project_stage_not_open")
    setup = StageSetup.objects.select_related("bundle", "lead_unit").filter(stage=stage).first()
    if setup is None:
        raise error(f"尚未设置“{Stage(stage).label}”阶段（系统管理 → 阶段设置）", "project_stage_not_set")
    policy = ProjectSettings.load()
    if all_brought:  # the clerk confirmed the stage's one set of materials is complete
        materials = {m["identity"].code: "received" for m in intake.checklist_for(None, setup.bundle)
                     if not m["produced"] and not m["is_electronic_licence"]}
    applicant = {"applicant_kind": "organisation", "applicant_name": project.builder_name,
                 "id_number": project.builder_credit_code, "phone": project.builder_phone,
                 "contact_name": project.builder_contact}
    case = intake.receive_case(by=by, window=window, bundle=setup.bundle, applicant=applicant, materials=materials,
                               form_data={**project.shared_data(), **(form_data or {})}, received_on=received_on)
    limit = policy.shortened(setup.limit_workdays, project.green_channel)
    priority = int(project.green_channel)
    set_terms(case, by=by, reason=f"工程建设项目{Stage(stage).label}：阶段时限" + ("（绿色通道）" if priority else ""),
              budget_workdays=limit, priority=priority, task_budgets={
                  task.pk: policy.shortened(min(task.budget_workdays, setup.limit_workdays), project.green_channel)
                  for task in case.tasks.all()})
    project_stage = ProjectStage.objects.create(project=project, stage=stage, case=case, lead_unit=setup.lead_unit,
                                                limit_workdays=limit)
    record_event(project, "projects.stage_applied", f"申请{Stage(stage).label}：办件 {case.number}（阶段时限 {limit} 个"
                 f"工作日，牵头部门 {setup.lead_unit.name}）", by=by, stage=stage, case=case.number)
    case.refresh_from_db()
    if accept and not intake._unsatisfied(case):
        case = intake.accept(case, by=by)
    project_stage.case = case
    return project_stage


def stage_units(project_stage: ProjectStage) -> list:
    """The departments with a task in the stage (each gives a coordination opinion)."""
    from tongban.org.models import Unit

    return list(Unit.objects.filter(pk__in=project_stage.case.tasks.values("unit_id")).order_by("code"))


def _staff_unit_of(by, units) -> object | None:
    """The unit of `units` that `by` acts for (`org.scopes.acts_for_unit`: their own unit, or below it for its
    head), else None."""
    return next((unit for unit in units if acts_for_unit(by, unit)), None)


@transaction.atomic
def give_opinion(project_stage: ProjectStage, *, by, opinion: str, note: str = "", unit=None) -> CoordinationOpinion:
    """多规合一 协调意见 of one department (one per department; a second one replaces the first while the round
    is open)."""
    project_stage = ProjectStage.objects.select_for_update().select_related("case", "project").get(pk=project_stage.pk)
    if project_stage.coordination_concluded_on:
        raise error("协调已结束，不能再填写意见", "project_coordination_closed")
    if project_stage.case.status not in (CaseStatus.REVIEWING, CaseStatus.SUSPENDED):
        raise error("办件受理后、审批决定前才能填写协调意见", "project_coordination_not_open")
    units = stage_units(project_stage)
    if unit is not None and unit in units and (getattr(by, "is_superuser", False) or _staff_unit_of(by, [unit])):
        own = unit
    else:
        own = _staff_unit_of(by, units)
    if own is None:
        raise error("只有本阶段的审查部门可以填写协调意见", "project_not_stage_department")
    if opinion not in Opinion.values:
        raise error("请选择意见", "project_opinion", "opinion")
    note = (note or "").strip()
    if opinion != Opinion.AGREE and not note:
        raise error("有条件同意或不同意须写明说明", "project_opinion_note", "note")
    row, _ = CoordinationOpinion.objects.update_or_create(
        project_stage=project_stage, unit=own,
        defaults={"opinion": opinion, "note": note, "given_by": by, "given_on": today()})
    record_event(project_stage.project, "projects.opinion_given",
                 f"{Stage(project_stage.stage).label}协调意见：{own.name}{Opinion(opinion).label}"
                 f"{'（' + note + '）' if note else ''}", by=by, stage=project_stage.stage)
    return row


@transaction.atomic
def conclude_coordination(project_stage: ProjectStage, *, by, conclusion: str) -> ProjectStage:
    """The lead department ends the round once every department has given its opinion; the departments then
    decide their tasks (the cases' `approve` refuses before: `coordination_check`)."""
    project_stage = ProjectStage.objects.select_for_update().select_related("case", "project", "lead_unit").get(
        pk=project_stage.pk)
    if project_stage.coordination_concluded_on:
        raise error("协调已结束", "project_coordination_closed")
    if _staff_unit_of(by, [project_stage.lead_unit]) is None and not getattr(by, "is_superuser", False):
        raise error(f"只有牵头部门（{project_stage.lead_unit.name}）可以作出协调结论", "project_not_lead")
    given = set(project_stage.opinions.values_list("unit_id", flat=True))
    missing = [u.name for u in stage_units(project_stage) if u.pk not in given]
    if missing:
        raise error(f"还有部门未填写协调意见：{'、'.join(missing)}", "project_opinions_missing")
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise error("请填写协调结论", "project_conclusion_required", "conclusion")
    project_stage.coordination_concluded_on, project_stage.coordination_conclusion = today(), conclusion
    project_stage.concluded_by = by
    project_stage.save(update_fields=["coordination_concluded_on", "coordination_conclusion", "concluded_by",
                                      "updated_at"])
    record_event(project_stage.project, "projects.coordination_concluded",
                 f"{Stage(project_stage.stage).label}多规合一协调结论：{conclusion}", by=by, stage=project_stage.stage)
    return project_stage


def coordination_check(case: Case, task: CaseTask) -> None:
    """Registered with `cases.services.review.before_decision_checks`: a project stage's task is decided only
    after the coordination round."""
    concluded = ProjectStage.objects.filter(case_id=case.pk).values_list("coordination_concluded_on", flat=True).first()
    if concluded is None and ProjectStage.objects.filter(case_id=case.pk).exists():
        raise ValidationError("多规合一协调尚未结束：请先由各部门填写协调意见、牵头部门作出协调结论", code="project_coordination_open")


# --- 告知承诺制 ---------------------------------------------------------------------------------------------


def is_commitment_item(project_stage: ProjectStage, task: CaseTask) -> bool:
    return StageSetup.objects.filter(stage=project_stage.stage, commitment_items=task.item_id).exists()


@transaction.atomic
def decide_on_commitment(project_stage: ProjectStage, task: CaseTask, *, by) -> Commitment:
    """告知承诺制: the department approves on the applicant's written commitment (no substantive review now) and
    owes a verification within the setting's working days."""
    if task.case_id != project_stage.case_id:
        raise error("该子办件不属于本阶段", "project_task_other_stage")
    if not is_commitment_item(project_stage, task):
        raise error(f"“{task.item.name}”不是告知承诺制事项", "project_not_commitment_item")
    day = today()
    review.approve(project_stage.case, by=by, task=task, reason="告知承诺制：依申请人书面承诺作出决定，事后核查")
    due = add_workdays(day, ProjectSettings.load().verification_workdays).date
    commitment = Commitment.objects.create(project_stage=project_stage, task=task, unit_id=task.unit_id,
                                           committed_on=day, verify_due=due)
    record_event(project_stage.project, "projects.commitment_decided",
                 f"告知承诺：{task.item.name}依书面承诺准予，{due} 前核查", by=by, stage=project_stage.stage)
    return commitment


@transaction.atomic
def verify_commitment(commitment: Commitment, *, by, met: bool, note: str = "") -> Commitment:
    commitment = Commitment.objects.select_for_update().select_related("project_stage__project", "task__item",
                                                                       "unit").get(pk=commitment.pk)
    if commitment.result != VerificationResult.PENDING:
        raise error("该承诺已核查", "project_commitment_verified")
    if _staff_unit_of(by, [commitment.unit]) is None and not getattr(by, "is_superuser", False):
        raise error(f"只有{commitment.unit.name}可以核查", "project_not_verifier")
    note = (note or "").strip()
    if not met and not note:
        raise error("承诺不实须写明核查情况", "project_verify_note", "note")
    commitment.result = VerificationResult.MET if met else VerificationResult.NOT_MET
    commitment.verified_on, commitment.verified_by, commitment.note = today(), by, note
    commitment.save(update_fields=["result", "verified_on", "verified_by", "note", "updated_at"])
    record_event(commitment.project_stage.project, "projects.commitment_verified",
                 f"告知承诺核查：{commitment.task.item.name}{commitment.get_result_display()}"
                 f"{'（' + note + '）' if note else ''}", by=by)
    return commitment


# --- 模拟审批 -------------------------------------------------------------------------------------------------


@transaction.atomic
def give_simulated_approval(project_stage: ProjectStage, task: CaseTask, *, by, opinion: str,
                            condition: str = "取得建设用地") -> SimulatedApproval:
    """Before land is secured the department reviews now and approves on condition; its task stays open until
    the condition is met (`secure_land`)."""
    project = project_stage.project
    if project.land_secured:
        raise error("项目已取得用地，请直接审批", "project_land_secured")
    if task.case_id != project_stage.case_id:
        raise error("该子办件不属于本阶段", "project_task_other_stage")
    opinion = (opinion or "").strip()
    case = project_stage.case
    check("approve", case, by, task, reason=opinion)  # the same role and state as a formal approval
    coordination_check(case, task)
    if SimulatedApproval.objects.filter(task=task).exists():
        raise error("该事项已作模拟审批", "project_simulated_twice")
    row = SimulatedApproval.objects.create(project_stage=project_stage, task=task, unit_id=task.unit_id,
                                           condition=(condition or "取得建设用地").strip()[:200], opinion=opinion,
                                           given_on=today(), given_by=by)
    record_event(project, "projects.simulated_approval", f"模拟审批：{task.unit.name}附条件同意{task.item.name}"
                 f"（条件：{row.condition}）", by=by, stage=project_stage.stage)
    return row


@transaction.atomic
def secure_land(project: Project, *, by, on: date | None = None) -> list[SimulatedApproval]:
    """The condition is met: every conditional approval becomes the task's formal approval with its opinion — no
    second review. It is recorded as `by`'s act (who made it formal); the reviewer who gave the conditional
    approval stays on the row (`given_by`) and is named in the reason; the row keeps both dates."""
    _require_manager(project, by)
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.land_secured:
        raise error("项目已登记为取得用地", "project_land_secured")
    day = on or today()
    project.land_secured, project.land_secured_on = True, day
    project.save(update_fields=["land_secured", "land_secured_on", "updated_at"])
    record_event(project, "projects.land_secured", f"取得建设用地（{day}）", by=by)
    formal = []
    for row in SimulatedApproval.objects.filter(project_stage__project=project, status=SimulatedStatus.CONDITIONAL
                                                ).select_related("project_stage__case", "task", "given_by"):
        if row.task.status == TaskStatus.REVIEWING:
            # Recorded as the person who makes it formal (`by`); the reviewer's conditional approval, which the
            # role check is about, is kept on the row (given_by) and named in the reason.
            review.approve(row.project_stage.case, by=by, task=row.task, reviewed_by=row.given_by,
                           reason=f"模拟审批转为正式审批（{row.given_on} {person_name(row.given_by)}附条件同意：{row.opinion}）")
        row.status, row.formal_on, row.formal_by = SimulatedStatus.FORMAL, today(), by
        row.save(update_fields=["status", "formal_on", "formal_by", "updated_at"])
        formal.append(row)
    if formal:
        record_event(project, "projects.simulated_formal", f"{len(formal)} 项模拟审批转为正式审批", by=by)
    return formal
