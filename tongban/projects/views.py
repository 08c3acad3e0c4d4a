"""工程建设项目 pages: the ledger (scoped, filtered, Excel), 项目登记, the project page with its four stages, the
parallel tasks, the coordination round, 告知承诺 and 模拟审批, and the dashboard. Views parse, authorise and call
the services; a refusal is shown in Chinese above the form with what was typed kept (400), never a 500."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongban.cases.choices import TaskStatus
from tongban.cases.models import CaseTask
from tongban.cases.services.intake import intake_windows_for
from tongban.core.paging import keyset_page
from tongban.core.text import parse_int
from tongban.org.scopes import acts_for_unit, get_visible_or_404, scope_for
from tongban.projects import exports, selectors, services
from tongban.projects.choices import Opinion, ProjectKind, SimulatedStatus, Stage
from tongban.projects.filtersets import ProjectFilterSet
from tongban.projects.models import Commitment, Project, ProjectSettings, ProjectStage, SimulatedApproval


def _require_reader(request) -> None:
    if not request.user.has_perm("cases.view_cases"):
        raise PermissionDenied


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for errors in exc.error_dict.values() for e in errors for m in e.messages]
    return exc.messages


@login_required
def project_list(request):
    _require_reader(request)
    filterset = ProjectFilterSet(request.GET or None, queryset=Project.objects.none())
    rows = selectors.listed_projects(request.user, request.GET)
    if request.GET.get("export") == "xlsx":
        return exports.export_list(request, today=timezone.localdate())
    page = keyset_page(rows, selectors.LIST_ORDER, request.GET.get("cursor"))
    today = timezone.localdate()
    elapsed = selectors.elapsed_by_project([p.pk for p in page], today)
    for project in page:
        project.elapsed = elapsed.get(project.pk, 0)
        project.stage_label = Stage(project.current_stage).label if project.current_stage else "未申请"
    query = request.GET.copy()
    query.pop("cursor", None)
    query["export"] = "xlsx"
    return render(request, "projects/project_list.html", {
        "filter": filterset, "page": page, "export_query": query.urlencode(),
        "target": ProjectSettings.load().target_workdays, "scope": scope_for(request.user),
        "can_register": bool(_window(request)),
    })


def _window(request):
    windows = [w for w in intake_windows_for(request.user) if w.kind == "intake"]
    return windows[0] if windows else None


@login_required
def project_new(request):
    window = _window(request)
    if window is None:
        raise PermissionDenied
    errors: dict = {}
    if request.method == "POST":
        try:
            project = services.register_project(
                by=request.user, window=window, data=request.POST.dict(),
                green_channel=request.POST.get("green_channel") == "on",
                land_secured=request.POST.get("land_not_secured") != "on")
        except ValidationError as exc:
            errors = {k: [m for e in v for m in e.messages] for k, v in exc.error_dict.items()} \
                if hasattr(exc, "error_dict") else {"general": exc.messages}
        else:
            messages.success(request, f"已登记项目：{project.name}")
            return redirect(project)
    return render(request, "projects/project_form.html", {
        "window": window, "errors": errors, "data": request.POST, "kinds": ProjectKind.choices,
    }, status=400 if errors else 200)


def _detail_context(request, project: Project) -> dict:
    today = timezone.localdate()
    rows = selectors.project_stages(project, today)
    applied = [r.project_stage for r in rows if r.project_stage]
    tasks = (CaseTask.objects.filter(case__in=[ps.case_id for ps in applied])
             .select_related("item", "unit", "decided_by").order_by("stage", "pk"))
    opinions = {}
    for ps in applied:
        ps.task_list = []
        ps.opinion_list = []
    by_case = {ps.case_id: ps for ps in applied}
    for task in tasks:
        by_case[task.case_id].task_list.append(task)
    from tongban.projects.models import CoordinationOpinion, StageSetup

    for opinion in CoordinationOpinion.objects.filter(project_stage__in=applied).select_related("unit", "given_by"):
        next(ps for ps in applied if ps.pk == opinion.project_stage_id).opinion_list.append(opinion)
        opinions[(opinion.project_stage_id, opinion.unit_id)] = opinion
    commitment_items = {(s.stage, i) for s in StageSetup.objects.prefetch_related("commitment_items")
                        for i in s.commitment_items.values_list("pk", flat=True)}
    commitments = {c.task_id: c for c in Commitment.objects.filter(project_stage__in=applied).select_related("verified_by")}
    simulated = {s.task_id: s for s in SimulatedApproval.objects.filter(project_stage__in=applied).select_related("given_by", "formal_by")}
    for ps in applied:
        for task in ps.task_list:
            task.is_commitment = (ps.stage, task.item_id) in commitment_items
            task.commitment = commitments.get(task.pk)
            task.simulated = simulated.get(task.pk)
            task.mine = acts_for_unit(request.user, task.unit)
            task.open = task.status == TaskStatus.REVIEWING
        ps.is_lead = acts_for_unit(request.user, ps.lead_unit) or request.user.is_superuser
        ps.my_units_waiting = [t.unit for t in ps.task_list if t.mine and (ps.pk, t.unit_id) not in opinions]
    manage = services.may_manage(project, request.user)
    total = sum(r.elapsed or 0 for r in rows)
    return {
        "project": project, "rows": rows, "today": today, "may_manage": manage,
        "next_stage": services.next_stage(project) if manage else None,
        "window": _window(request), "total_elapsed": total,
        "target": ProjectSettings.load().target_workdays, "opinions": Opinion.choices,
        "SimulatedStatus": SimulatedStatus,
    }


@login_required
def project_detail(request, pk: int):
    _require_reader(request)
    project = get_visible_or_404(Project.objects.select_related("unit", "window", "registered_by"), request.user, pk=pk)
    return render(request, "projects/project_detail.html", _detail_context(request, project))


def _stage_of(project: Project, request) -> ProjectStage:
    try:
        return project.stages.select_related("case", "project", "lead_unit").get(pk=parse_int(request.POST.get("stage"), 0))
    except ProjectStage.DoesNotExist:
        raise ValidationError("请选择阶段", code="project_stage_required")


def _task_of(project_stage: ProjectStage, request) -> CaseTask:
    try:
        return project_stage.case.tasks.select_related("item", "unit").get(pk=parse_int(request.POST.get("task"), 0))
    except CaseTask.DoesNotExist:
        raise ValidationError("请选择子办件", code="project_task_required")


ACTIONS = {
    "apply": lambda r, p: services.apply_stage(p, by=r.user, window=_window(r) or _no_window(),
                                               all_brought=r.POST.get("all_brought") == "on"),
    "green_on": lambda r, p: services.set_green_channel(p, by=r.user, on=True),
    "green_off": lambda r, p: services.set_green_channel(p, by=r.user, on=False),
    "secure_land": lambda r, p: services.secure_land(p, by=r.user),
    "opinion": lambda r, p: services.give_opinion(_stage_of(p, r), by=r.user, opinion=r.POST.get("opinion", ""),
                                                  note=r.POST.get("note", "")),
    "conclude": lambda r, p: services.conclude_coordination(_stage_of(p, r), by=r.user,
                                                            conclusion=r.POST.get("conclusion", "")),
    "commitment": lambda r, p: (lambda ps: services.decide_on_commitment(ps, _task_of(ps, r), by=r.user))(_stage_of(p, r)),
    "simulate": lambda r, p: (lambda ps: services.give_simulated_approval(
        ps, _task_of(ps, r), by=r.user, opinion=r.POST.get("note", ""),
        condition=r.POST.get("condition", "")))(_stage_of(p, r)),
}

DONE = {"apply": "已申请本阶段（一窗收件）", "green_on": "已列入绿色通道", "green_off": "已移出绿色通道",
        "secure_land": "已登记取得用地，模拟审批转为正式审批", "opinion": "已填写协调意见", "conclude": "已作出协调结论",
        "commitment": "已依承诺作出决定", "simulate": "已作模拟审批（附条件）"}


def _no_window():
    raise ValidationError("只有在综合受理窗口工作的人可以申请阶段", code="project_no_window")


@login_required
def project_action(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _require_reader(request)
    project = get_visible_or_404(Project.objects.select_related("unit", "window", "registered_by"), request.user, pk=pk)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        context = _detail_context(request, project)
        context["action_errors"] = ["未知的操作"]
        return render(request, "projects/project_detail.html", context, status=400)
    try:
        action(request, project)
    except ValidationError as exc:
        project.refresh_from_db()
        context = _detail_context(request, project)
        context["action_errors"], context["posted"] = _messages_of(exc), request.POST
        return render(request, "projects/project_detail.html", context, status=400)
    messages.success(request, DONE[request.POST["action"]])
    return redirect(project)


@login_required
@require_POST
def verify(request, pk: int):
    _require_reader(request)
    commitment = get_visible_or_404(Commitment.objects.select_related("project_stage__project"), request.user, pk=pk)
    try:
        services.verify_commitment(commitment, by=request.user, met=request.POST.get("result") == "met",
                                   note=request.POST.get("note", ""))
    except ValidationError as exc:
        for text in _messages_of(exc):
            messages.error(request, text)
    else:
        messages.success(request, "已记录核查结果")
    return redirect("projects:todo")


@login_required
def todo(request):
    """本部门的项目待办: 协调意见 / 协调结论 and 告知承诺待核查."""
    _require_reader(request)
    return render(request, "projects/todo.html", {
        "rounds": list(selectors.coordination_to_give(request.user)[:100]),
        "commitments": list(selectors.commitments_to_verify(request.user)[:100]),
        "today": timezone.localdate(),
    })


@login_required
def dashboard(request):
    _require_reader(request)
    today = timezone.localdate()
    figures = selectors.dashboard_figures(request.user, today)
    return render(request, "projects/dashboard.html", {"figures": figures, "today": today,
                                                       "scope": scope_for(request.user)})
