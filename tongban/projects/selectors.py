"""Reads of the projects app: the ledger (page, API and Excel from one selector), a project's stages with
elapsed working days against their limits, the to-dos, and the dashboard's figures with the green-channel KPI."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from tongban.cases.choices import Decision, TaskStatus
from tongban.cases.models import CaseTask
from tongban.projects.choices import ProjectKind, Stage, StageStatus, VerificationResult
from tongban.projects.filtersets import ProjectFilterSet
from tongban.projects.models import Commitment, Project, ProjectSettings, ProjectStage
from tongban.workdays.expressions import workday_index_of

LIST_ORDER = ["-registered_on", "-pk"]


def with_current_stage(qs: QuerySet[Project]) -> QuerySet[Project]:
    """The latest stage applied for and its case's status and decision (three correlated subqueries, set-based)."""
    latest = ProjectStage.objects.filter(project=OuterRef("pk")).order_by("-stage")
    return qs.annotate(current_stage=Coalesce(Subquery(latest.values("stage")[:1]), Value(0)),
                       current_case_status=Subquery(latest.values("case__status")[:1]),
                       current_case_number=Subquery(latest.values("case__number")[:1]),
                       current_decision=Subquery(latest.values("case__decision")[:1]))


def listed_projects(user, data) -> QuerySet[Project]:
    """The ledger as the page lists it: the scope layer, then the one FilterSet (an invalid filter lists none)."""
    qs = with_current_stage(Project.objects.visible_to(user)).select_related("unit")
    filterset = ProjectFilterSet(data or None, queryset=qs)
    if not filterset.is_bound:
        return qs
    return filterset.qs if filterset.is_valid() else qs.none()


def stages_with_elapsed(project_ids, today: date) -> QuerySet[ProjectStage]:
    """Each stage with `elapsed` working days: from its application (收件) to its decision, or to today while
    open — from the workdays calendar in SQL, one query for any number of projects."""
    end = Coalesce(OuterRef("case__decided_on"), OuterRef("case__closed_on"), Value(today))
    return (ProjectStage.objects.filter(project_id__in=project_ids).select_related("case", "lead_unit")
            .annotate(elapsed=Coalesce(workday_index_of(end) - workday_index_of("case__received_on"), Value(0)))
            .order_by("project_id", "stage"))


def elapsed_by_project(project_ids, today: date) -> dict[int, int]:
    """Working days used by each project so far: the sum of its stages' (the applicant's time between stages
    is not the departments' and does not count against the 120)."""
    totals: dict[int, int] = {}
    for row in stages_with_elapsed(project_ids, today).values("project_id", "elapsed"):
        totals[row["project_id"]] = totals.get(row["project_id"], 0) + (row["elapsed"] or 0)
    return totals


def stage_status(ps: ProjectStage | None) -> str:
    if ps is None:
        return StageStatus.NOT_APPLIED
    case = ps.case
    if case.decision == Decision.APPROVED:
        return StageStatus.DONE
    if case.decision or case.status in ("refused", "withdrawn"):
        return StageStatus.REFUSED
    if case.accepted_on is None:
        return StageStatus.APPLIED
    return StageStatus.REVIEWING if ps.coordination_concluded_on else StageStatus.COORDINATING


@dataclass
class StageRow:
    stage: int
    label: str
    status: str
    status_label: str
    setup_limit: int | None
    project_stage: ProjectStage | None = None
    elapsed: int | None = None

    @property
    def limit(self) -> int | None:
        return self.project_stage.limit_workdays if self.project_stage else self.setup_limit

    @property
    def over(self) -> bool:
        return self.elapsed is not None and self.limit is not None and self.elapsed > self.limit


def project_stages(project: Project, today: date) -> list[StageRow]:
    """The four stages of the project page: status, limit, elapsed (two queries)."""
    from tongban.projects.models import StageSetup

    policy = ProjectSettings.load()
    limits = {s.stage: policy.shortened(s.limit_workdays, project.green_channel) for s in StageSetup.objects.all()}
    applied = {ps.stage: ps for ps in stages_with_elapsed([project.pk], today)}
    rows = []
    for stage in Stage:
        ps = applied.get(stage.value)
        status = stage_status(ps)
        rows.append(StageRow(stage.value, stage.label, status, StageStatus(status).label, limits.get(stage.value), ps,
                             ps.elapsed if ps else None))
    return rows


def stage_tasks(project_stage: ProjectStage) -> list[CaseTask]:
    """The departments' tasks of a stage (one query), for the project page's parallel view."""
    return list(project_stage.case.tasks.select_related("item", "unit", "decided_by").order_by("stage", "pk"))


def commitments_to_verify(user) -> QuerySet[Commitment]:
    """告知承诺待核查 of the user's department(s), the earliest deadline first."""
    return (Commitment.objects.visible_to(user).filter(result=VerificationResult.PENDING)
            .select_related("project_stage__project", "task__item", "unit").order_by("verify_due", "pk"))


def coordination_to_give(user) -> QuerySet[ProjectStage]:
    """Stages whose coordination round waits for the user's department's opinion (or, for a lead department,
    for its conclusion)."""
    from tongban.org.models import Unit
    from tongban.org.scopes import acted_for_units_q

    if getattr(user, "staff", None) is None:
        return ProjectStage.objects.none()
    mine = Unit.objects.filter(acted_for_units_q(user)).values("pk")
    open_rounds = ProjectStage.objects.filter(coordination_concluded_on__isnull=True,
                                              case__status__in=["reviewing", "suspended"])
    waiting_opinion = Q(case__tasks__unit__in=mine) & ~Q(opinions__unit__in=mine)
    return (open_rounds.filter(waiting_opinion | Q(lead_unit__in=mine)).distinct()
            .select_related("project", "case", "lead_unit").order_by("case__due_date", "pk"))


def green_channel_kpi(user) -> dict:
    """工业项目进入绿色通道比例 against the setting's target (seed 003 §二4), over the projects in scope."""
    policy = ProjectSettings.load()
    counts = Project.objects.visible_to(user).filter(kind=ProjectKind.INDUSTRIAL).aggregate(
        total=Count("pk"), green=Count("pk", filter=Q(green_channel=True)))
    share = round(100 * counts["green"] / counts["total"], 1) if counts["total"] else None
    return {"industrial": counts["total"], "green": counts["green"], "share": share,
            "target": policy.green_share_target, "met": share is not None and share >= policy.green_share_target}


def dashboard_figures(user, today: date) -> dict:
    """The projects dashboard: projects per current stage (green channel or not), each stage's average elapsed
    working days against its limit, the KPI, and the whole-process target."""
    policy = ProjectSettings.load()
    projects = with_current_stage(Project.objects.visible_to(user))
    by_stage = {(r["current_stage"], r["green_channel"]): r["n"] for r in
                projects.values("current_stage", "green_channel").annotate(n=Count("pk")).order_by()}
    labels = ["未申请", *[s.label for s in Stage]]
    stages = stages_with_elapsed(Project.objects.visible_to(user).values("pk"), today)
    sums: dict[int, list[int]] = {}
    for row in stages.values("stage", "elapsed", "limit_workdays"):
        acc = sums.setdefault(row["stage"], [0, 0, 0])
        acc[0] += row["elapsed"] or 0
        acc[1] += row["limit_workdays"]
        acc[2] += 1
    return {
        "stage_labels": labels,
        "green": [by_stage.get((n, True), 0) for n in range(0, 5)],
        "normal": [by_stage.get((n, False), 0) for n in range(0, 5)],
        "elapsed": [round(sums[s][0] / sums[s][2], 1) if s in sums else 0 for s in Stage.values],
        "limits": [round(sums[s][1] / sums[s][2], 1) if s in sums else 0 for s in Stage.values],
        "kpi": green_channel_kpi(user),
        "target_workdays": policy.target_workdays,
        "total": sum(by_stage.values()),
    }


def open_task_count(project_stage: ProjectStage) -> int:
    return project_stage.case.tasks.filter(status=TaskStatus.REVIEWING).count()


