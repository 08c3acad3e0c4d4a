"""Rectification pages. Views parse, authorise (django-rules) and call services; every queryset goes
through the scope layer and every lookup by id through `get_visible_or_404`."""
from __future__ import annotations

import re
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongban.core.files import stored_file_response
from tongban.core.paging import keyset_page
from tongban.core.text import parse_int
from tongban.org.scopes import get_visible_or_404, scope_for
from tongban.rectification import privacy, selectors, services, signals
from tongban.rectification.choices import DeadlineKind, ImportStatus, MeasureStatus, SignalStatus
from tongban.rectification.filtersets import (
    AccountabilityFilterSet,
    InspectionFilterSet,
    MeasureFilterSet,
    SignalFilterSet,
)
from tongban.rectification.forms import (
    AccountabilityForm,
    CheckpointReportForm,
    FindingForm,
    InspectionForm,
    LedgerUploadForm,
    MeasureForm,
    PlanTaskForm,
    ProgressForm,
    RectificationGroupForm,
    ReturnForm,
    RevisitRecordForm,
    RevisitScheduleForm,
    SignalDecisionForm,
    SubmitForm,
    VerifyForm,
    WorkPlanForm,
)
from tongban.rectification.exports import export_list, export_signals
from tongban.rectification.lists import LISTS, OVERDUE_ORDER, overdue_rows
from tongban.rectification.models import (
    Accountability,
    Bulletin,
    Evidence,
    Finding,
    ImportRun,
    Inspection,
    Measure,
    MeasureUnit,
    PlanTask,
    RectificationGroup,
    Revisit,
    Signal,
    WorkPlan,
)
from tongban.rectification.rules import TRANSITION_PERMS
from tongban.rectification.todo import awaiting_signoff_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _today():
    return timezone.localdate()


def _visible_measures(user):
    return Measure.objects.visible_to(user).with_overdue(_today())


def _paged(request, queryset, per_page: int = 50):
    page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


# --------------------------------------------------------------------------------------------------
# Dashboard


@login_required
def dashboard(request):
    today = _today()
    inspections = Inspection.objects.visible_to(request.user)
    measures = _visible_measures(request.user)
    choice = request.GET.get("inspection", "")
    if choice == "all":
        selected = None
    elif choice:
        selected = get_visible_or_404(Inspection, request.user, pk=choice)
    else:
        selected = inspections.first()  # the latest round, unless the user asks for every source
    if selected:
        measures = measures.filter(finding__inspection=selected)
    charts = {
        "labels": selectors.BUCKET_LABELS,
        "by_aspect": selectors.completion_by_aspect(measures) if selected else [],
        "by_unit": selectors.completion_by_unit(measures, limit=20),
        "trend": selectors.verified_per_week(measures, today),
    }
    overdue = measures.past_due(today).select_related("lead_unit").order_by("due_date", "pk")[:15]
    context = {
        "inspections": inspections,
        "selected": selected,
        "buckets": selectors.measure_buckets(measures, today),
        "charts": charts,
        "overdue": overdue,
        "today": today,
        "scope": scope_for(request.user),
        "signals": (selectors.verified_with_unresolved_signals(measures)
                    if request.user.has_perm("rectification.view_signals") else None),
    }
    from tongban.rectification import panels

    context["panels"] = panels.panels_for(request, today)  # other sources of the loop (X1), e.g. feedback
    return render(request, "rectification/dashboard.html", context)


# --------------------------------------------------------------------------------------------------
# Inspections and findings


@login_required
def inspection_list(request):
    filterset = InspectionFilterSet(request.GET or None, queryset=Inspection.objects.visible_to(request.user)
                                    .select_related("inspected_unit"), request=request)
    page, params = _paged(request, filterset.strict_qs)
    return render(request, "rectification/inspection_list.html", {"filter": filterset, "page": page, "params": params})


@login_required
def inspection_edit(request, pk: int | None = None):
    _require(request, "rectification.manage")
    inspection = get_visible_or_404(Inspection, request.user, pk=pk) if pk else None
    form = InspectionForm(request.POST or None, instance=inspection, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if inspection:
                inspection = services.update_inspection(
                    inspection, expected_version=form.cleaned_data["expected_version"], by=request.user, **data)
            else:
                inspection = services.create_inspection(by=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(inspection)
    return render(request, "rectification/inspection_form.html", {"form": form, "inspection": inspection})


def _aspect_tree(inspection: Inspection, user, measures) -> list[dict]:
    """Aspects → findings → measures, built from the findings the user may see (an aspect without a
    visible finding is not shown) and, under each, only the measures the user may see."""
    findings = (
        Finding.objects.visible_to(user).filter(inspection=inspection).select_related("aspect")
        .prefetch_related(Prefetch("measures", queryset=measures.select_related("lead_unit", "responsible_leader",
                                                                                 "responsible_person"),
                                   to_attr="visible_measures"))
        .order_by("aspect__number", "number", "pk")
    )
    groups: dict = {}
    for finding in findings:
        groups.setdefault(finding.aspect, []).append(finding)
    return [{"aspect": aspect, "findings": items} for aspect, items in groups.items()]


@login_required
def inspection_detail(request, pk: int):
    inspection = get_visible_or_404(Inspection.objects.select_related("inspected_unit"), request.user, pk=pk)
    return _inspection_page(request, inspection)


def _inspection_page(request, inspection: Inspection, group_form: RectificationGroupForm | None = None):
    today = _today()
    measures = _visible_measures(request.user).filter(finding__inspection=inspection)
    group = RectificationGroup.objects.filter(inspection=inspection).select_related("office_unit").first()
    can_manage = request.user.has_perm("rectification.manage")
    if group_form is None and request.user.has_perm("rectification.set_group"):
        group_form = RectificationGroupForm(initial=RectificationGroupForm.initial_for(group), user=request.user)
    context = {
        "inspection": inspection,
        "group": group,
        "group_form": group_form,
        "members": group.members.select_related("staff") if group else [],
        "tree": _aspect_tree(inspection, request.user, measures),
        "finding_counts": selectors.finding_counts(Finding.objects.visible_to(request.user).filter(inspection=inspection)),
        "buckets": selectors.measure_buckets(measures, today),
        "plans": inspection.work_plans.visible_to(request.user),
        "can_manage": can_manage,
        # Before printing the 整改进展情况报告 (the whole inspection's figures): how many measures it will
        # report as 已整改到位 still carry a signal nobody has looked into.
        "report_signals": (selectors.verified_with_unresolved_signals(Measure.objects.filter(finding__inspection=inspection))
                           if request.user.has_perm("rectification.download_reports")
                           and request.user.has_perm("rectification.view_signals") else None),
        "finding_form": FindingForm() if can_manage else None,
    }
    return render(request, "rectification/inspection_detail.html", context)


@login_required
@require_POST
def inspection_group(request, pk: int):
    """Set (or replace) the inspection's 整改工作领导小组 and its office."""
    _require(request, "rectification.set_group")
    inspection = get_visible_or_404(Inspection.objects.select_related("inspected_unit"), request.user, pk=pk)
    form = RectificationGroupForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.set_rectification_group(inspection, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已保存整改工作领导小组。")
            return redirect(inspection)
    return _inspection_page(request, inspection, group_form=form)


@login_required
@require_POST
def finding_create(request, pk: int):
    _require(request, "rectification.manage")
    inspection = get_visible_or_404(Inspection, request.user, pk=pk)
    form = FindingForm(request.POST)
    if form.is_valid():
        try:
            aspect = None
            if form.cleaned_data["aspect_title"].strip():
                aspect = services.add_aspect(inspection, title=form.cleaned_data["aspect_title"], by=request.user)
            services.add_finding(inspection, description=form.cleaned_data["description"],
                                 kind=form.cleaned_data["kind"], aspect=aspect, by=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已新增反馈问题。")
    else:
        messages.error(request, "请填写具体问题。")
    return redirect(inspection)


# --------------------------------------------------------------------------------------------------
# Measures


@login_required
def measure_edit(request, finding_pk: int | None = None, pk: int | None = None):
    """New measure under a finding, or edit an existing measure (the rectification office)."""
    _require(request, "rectification.manage")
    measure = get_visible_or_404(Measure, request.user, pk=pk) if pk else None
    finding = measure.finding if measure else get_visible_or_404(Finding, request.user, pk=finding_pk)
    initial = MeasureForm.initial_for(measure) if measure else {}
    form = MeasureForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.service_kwargs()
        try:
            if measure:
                measure = services.update_measure(measure, expected_version=form.cleaned_data["expected_version"],
                                                  by=request.user, **data)
            else:
                measure = services.create_measure(finding=finding, by=request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(measure)
    return render(request, "rectification/measure_form.html", {"form": form, "measure": measure, "finding": finding})


@login_required
def measure_detail(request, pk: int):
    measure = get_visible_or_404(
        _visible_measures(request.user).select_related(
            "lead_unit", "finding", "finding__aspect", "finding__inspection", "responsible_leader",
            "responsible_person", "verified_by"),
        request.user, pk=pk,
    )
    user = request.user
    can = {
        "progress": user.has_perm("rectification.report_progress", measure),
        "submit": user.has_perm("rectification.submit_measure", measure),
        "signoff": user.has_perm("rectification.signoff_measure", measure),
        "revisit": user.has_perm("rectification.manage_revisits", measure),
        "accountability": user.has_perm("rectification.record_accountability", measure),
        "manage": user.has_perm("rectification.manage"),
    }
    status = measure.status
    is_ongoing = measure.deadline_kind == DeadlineKind.ONGOING
    working = status in (MeasureStatus.IN_PROGRESS, MeasureStatus.ONGOING)
    context = {
        "measure": measure,
        "can": can,
        "units": measure.unit_roles.select_related("unit"),
        "checkpoints": measure.checkpoints.all(),
        "updates": measure.updates.select_related("by", "checkpoint").prefetch_related("evidence"),
        "measure_evidence_count": (Evidence.objects.filter(update__measure=measure).count()
                                   if measure.signed_off_by_import else 0),
        "revisits": measure.revisits.all(),
        # Related records go through the scope layer too: an accountability about someone outside the
        # reader's scope stays hidden here as it is on the accountability list.
        "accountabilities": measure.accountabilities.visible_to(user).select_related("target_staff", "target_unit"),
        "progress_form": ProgressForm() if can["progress"] and status != MeasureStatus.VERIFIED else None,
        "checkpoint_form": (CheckpointReportForm(measure=measure)
                            if can["submit"] and is_ongoing and measure.checkpoints.filter(reported_at__isnull=True).exists()
                            else None),
        "start_allowed": can["submit"] and status == MeasureStatus.NOT_STARTED,
        "submit_form": SubmitForm(initial={"expected_version": measure.version}) if can["submit"] and working else None,
        "verify_form": (VerifyForm(initial={"expected_version": measure.version})
                        if can["signoff"] and status == MeasureStatus.PENDING_SIGNOFF
                        and measure.submitted_by_id != user.pk else None),
        "return_form": (ReturnForm(initial={"expected_version": measure.version})
                        if can["signoff"] and status == MeasureStatus.PENDING_SIGNOFF else None),
        "revisit_form": RevisitScheduleForm() if can["revisit"] and status == MeasureStatus.VERIFIED else None,
        "revisit_record_form": RevisitRecordForm() if can["revisit"] else None,
        "accountability_form": (AccountabilityForm(user=user, initial={"target_unit": measure.lead_unit,
                                                                        "decided_on": _today()})
                                if can["accountability"] else None),
        "today": _today(),
        "reveal_personal": privacy.handles(user, measure),  # 身份证号 in free text whole, or masked
        "signals": measure_signals(user, measure),
    }
    return render(request, "rectification/measure_detail.html", context)


def _files(request) -> list:
    return request.FILES.getlist("files")


def _act_start(request, measure):
    _require(request, "rectification.submit_measure", measure)
    services.start_measure(measure, by=request.user)
    return "已启动整改。"


def _act_progress(request, measure):
    _require(request, "rectification.report_progress", measure)
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        raise ValidationError(form.errors["files"] if "files" in form.errors else "请填写整改进展情况。")
    services.add_progress(measure, text=form.cleaned_data["text"], files=_files(request), by=request.user)
    return "已填报整改进展。"


def _act_checkpoint(request, measure):
    _require(request, "rectification.submit_measure", measure)
    form = CheckpointReportForm(request.POST, request.FILES, measure=measure)
    if not form.is_valid():
        raise ValidationError("请选择时间节点并填写阶段性进展。")
    services.report_checkpoint(measure, form.cleaned_data["checkpoint"], text=form.cleaned_data["text"],
                               files=_files(request), by=request.user)
    return "已报告阶段性进展。"


TRANSITION_FORMS = {
    "submit": (SubmitForm, "已申请销号，等待整改办审核。"),
    "verify": (VerifyForm, "已销号：已整改到位。"),
    "return": (ReturnForm, "已退回整改。"),
}


def _transition_action(name: str):
    """submit / verify / return from the measure page: the same service and rule as the API."""
    service, field_name = services.TRANSITIONS[name]
    form_class, message = TRANSITION_FORMS[name]

    def act(request, measure):
        _require(request, TRANSITION_PERMS[name], measure)
        form = form_class(request.POST)
        form.is_valid()  # every field is optional here; the service decides (e.g. a return needs a reason)
        service(measure, by=request.user, expected_version=form.cleaned_data.get("expected_version"),
                **{field_name: form.cleaned_data.get(field_name, "")})
        return message

    return act


def _act_revisit(request, measure):
    _require(request, "rectification.manage_revisits", measure)
    form = RevisitScheduleForm(request.POST)
    if not form.is_valid():
        raise ValidationError("请填写回头看日期。")
    services.schedule_revisit(measure, scheduled_date=form.cleaned_data["scheduled_date"], by=request.user)
    return "已安排回头看。"


def _act_revisit_record(request, measure):
    _require(request, "rectification.manage_revisits", measure)
    form = RevisitRecordForm(request.POST)
    if not form.is_valid():
        if form.has_error("done_date") and not form.has_error("done_date", "required"):
            raise ValidationError(form.errors["done_date"])  # the rule's own sentence (e.g. not after today)
        raise ValidationError("请填写完成日期并选择群众是否满意。")
    revisit = get_visible_or_404(Revisit.objects.filter(measure=measure), request.user, pk=form.cleaned_data["revisit"])
    data = form.cleaned_data
    services.record_revisit(revisit, done_date=data["done_date"], satisfied=data["satisfied"], notes=data["notes"],
                            new_deadline=data["new_deadline"], by=request.user)
    return "已记录回头看结果。" if data["satisfied"] else "已记录回头看结果，该措施已重新进入整改。"


def _act_accountability(request, measure):
    _require(request, "rectification.record_accountability", measure)
    form = AccountabilityForm(request.POST, user=request.user)
    if not form.is_valid():
        raise ValidationError("请完整填写问责信息。")
    services.record_accountability(measures=[measure], by=request.user, **form.cleaned_data)
    return "已记录问责。"


ACTIONS = {
    "start": _act_start,
    "progress": _act_progress,
    "checkpoint": _act_checkpoint,
    **{name: _transition_action(name) for name in TRANSITION_FORMS},
    "revisit": _act_revisit,
    "revisit-record": _act_revisit_record,
    "accountability": _act_accountability,
}


@login_required
@require_POST
def measure_action(request, pk: int, action: str):
    if action not in ACTIONS:
        raise Http404("未找到该操作。")
    measure = get_visible_or_404(Measure, request.user, pk=pk)
    try:
        message = ACTIONS[action](request, measure)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect(measure)


@login_required
def evidence_download(request, pk: int):
    """Evidence is streamed only to users who may see its measure (404 otherwise); `?inline=1` opens a PDF or
    an image in the browser (`core.files`: inline, exact type, nosniff, a sandboxing CSP)."""
    evidence = get_visible_or_404(Evidence, request.user, pk=pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已不存在。")
    return stored_file_response(handle, filename=evidence.original_name, extension=evidence.extension,
                                inline=bool(request.GET.get("inline")))


# --------------------------------------------------------------------------------------------------
# The four lists, overdue, accountability


def _keyset_params(request) -> str:
    params = request.GET.copy()
    for key in ("cursor", "page", "export"):
        params.pop(key, None)
    return params.urlencode()


@login_required
def list_page(request, slug: str):
    spec = LISTS.get(slug)
    if spec is None:
        raise Http404("没有这个清单。")
    today = _today()
    filterset = spec.filterset_class(request.GET or None, queryset=spec.base_queryset(request.user, today),
                                     request=request)
    rows = spec.rows(filterset.strict_qs)
    if request.GET.get("export") == "xlsx":
        return export_list(request, spec, rows, today=today)
    page = spec.page(rows, request.GET.get("cursor"), request.user)  # free text masked for non-handlers
    page.count = rows.count()  # plain, indexed columns: no derived expression is counted
    table = [spec.table_row(row, _row_url(row)) for row in page]
    return render(request, "rectification/list.html", {
        "spec": spec, "filter": filterset, "page": page, "params": _keyset_params(request), "table": table,
        "lists": LISTS.values(),
    })


def _row_url(row) -> str:
    if isinstance(row, MeasureUnit):
        return row.measure.get_absolute_url()
    return row.get_absolute_url()


@login_required
def overdue_list(request):
    """Overdue measures and ongoing ones past a checkpoint, earliest due first; the two counts are the
    dashboard's (`selectors.measure_buckets`)."""
    today = _today()
    filterset = MeasureFilterSet(request.GET or None, queryset=_visible_measures(request.user), request=request)
    rows = overdue_rows(filterset.strict_qs, today)
    if request.GET.get("export") == "xlsx":
        return export_list(request, LISTS["tasks"], rows, today=today, overdue=True)
    page = keyset_page(rows, OVERDUE_ORDER, request.GET.get("cursor"))
    handled = privacy.handled_measure_ids(request.user)
    for measure in page:
        privacy.masked(measure, handled)
        measure.days_overdue = (today - measure.due_date).days
    return render(request, "rectification/overdue.html", {
        "filter": filterset, "page": page, "params": _keyset_params(request), "today": today,
        "buckets": selectors.measure_buckets(filterset.strict_qs, today),
    })


@login_required
def signoff_list(request):
    """待我审核: the measures submitted for sign-off that this user may sign off (todo.awaiting_signoff_for),
    oldest request first, filtered like the other lists."""
    _require(request, "rectification.signoff_measure")
    queryset = (
        awaiting_signoff_for(request.user).with_overdue(_today())
        .select_related("lead_unit", "finding", "submitted_by__staff")
        .annotate(evidence_count=Count("updates__evidence", distinct=True))
    )
    filterset = MeasureFilterSet(request.GET or None, queryset=queryset, request=request)
    page, params = _paged(request, filterset.strict_qs.order_by("submitted_at", "pk"))
    return render(request, "rectification/signoff.html", {"filter": filterset, "page": page, "params": params})


@login_required
def accountability_list(request):
    queryset = Accountability.objects.visible_to(request.user).select_related("target_staff", "target_unit")
    linked = Prefetch("measures", queryset=Measure.objects.visible_to(request.user), to_attr="visible_measures")
    filterset = AccountabilityFilterSet(request.GET or None, queryset=queryset.prefetch_related(linked),
                                        request=request)
    page, params = _paged(request, filterset.strict_qs)
    return render(request, "rectification/accountability_list.html",
                  {"filter": filterset, "page": page, "params": params})


# --------------------------------------------------------------------------------------------------
# Work plans


@login_required
def plan_list(request):
    form = None
    if request.user.has_perm("rectification.manage_plans"):
        form = WorkPlanForm(request.POST or None, initial={"year": _today().year}, user=request.user)
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_work_plan(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已制定工作方案，请分解任务。")
            return redirect(plan)
    plans = WorkPlan.objects.visible_to(request.user).select_related("unit", "inspection")
    return render(request, "rectification/plan_list.html", {"plans": plans, "form": form})


@login_required
def plan_detail(request, pk: int):
    plan = get_visible_or_404(WorkPlan.objects.select_related("unit", "inspection"), request.user, pk=pk)
    if request.method == "POST":
        _require(request, "rectification.manage")
        task = plan.tasks.filter(pk=request.POST.get("task")).first()
        if task is None:
            raise Http404("未找到该任务。")
        raw_version = (request.POST.get("expected_version") or "").strip()
        try:
            expected_version = parse_int(raw_version, min=0)
            if raw_version and expected_version is None:
                raise ValidationError("版本号无效，请刷新页面后重试。", code="bad_version")
            services.set_plan_task_status(task, status=request.POST.get("status", ""),
                                          expected_version=expected_version,
                                          by=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已更新任务状态。")
        return redirect(plan)
    task_form = PlanTaskForm(user=request.user) if request.user.has_perm("rectification.manage_plans") else None
    return _plan_page(request, plan, task_form)


def _plan_page(request, plan: WorkPlan, task_form: PlanTaskForm | None):
    tasks = plan.tasks.select_related("lead_unit").prefetch_related("units", "leaders")
    return render(request, "rectification/plan_detail.html", {
        "plan": plan, "tasks": tasks, "can_manage": request.user.has_perm("rectification.manage"),
        "statuses": PlanTask._meta.get_field("status").choices, "task_form": task_form,
    })


@login_required
@require_POST
def plan_task_create(request, pk: int):
    """Decompose a work plan: one more task with its units, leaders and deadline."""
    _require(request, "rectification.manage_plans")
    plan = get_visible_or_404(WorkPlan.objects.select_related("unit", "inspection"), request.user, pk=pk)
    form = PlanTaskForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            task = services.add_plan_task(plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已分解任务 {task}。")
            return redirect(plan)
    return _plan_page(request, plan, form)


@login_required
def bulletin_list(request):
    bulletins = Bulletin.objects.visible_to(request.user)  # county-wide only: empty for everyone else
    return render(request, "rectification/bulletin_list.html", {"bulletins": bulletins})


# --------------------------------------------------------------------------------------------------
# Excel ledger out and in, 公文 out


def ledger_file_name(title: str) -> str:
    """县委第一巡察组反馈意见整改 → …反馈意见整改台账.xlsx, not …整改整改台账.xlsx."""
    return f"{title}{'台账' if title.endswith('整改') else '整改台账'}.xlsx"


@login_required
def ledger_export(request, pk: int):
    """The standard ledger of an inspection, holding only the measures the user may see."""
    from tongban.rectification.exporting import export_ledger

    inspection = get_visible_or_404(Inspection, request.user, pk=pk)
    handled = privacy.handled_measure_ids(request.user)
    content = export_ledger(inspection, measures=Measure.objects.visible_to(request.user),
                            present=lambda measure: privacy.masked(measure, handled))
    return download(content, ledger_file_name(inspection.title), XLSX)


@login_required
def report_download(request, pk: int, kind: str):
    """整改进展情况报告 / 整改工作方案 as 公文 (.docx). County-wide figures: managers and readers of the
    whole inspection only, so that a report never mixes in what its reader may not see."""
    from tongban.rectification import reports

    inspection = get_visible_or_404(Inspection, request.user, pk=pk)
    builders = {"progress": reports.progress_report_docx, "plan": reports.plan_report_docx}
    if kind not in builders:
        raise Http404("没有这种报告。")
    _require(request, "rectification.download_reports")
    title, content = builders[kind](inspection)
    return download(content, f"{title}.docx", DOCX)


LEDGER_IMPORT = "rectification.ledger"


def _column_overrides(data) -> dict[str, int | None]:
    from tongban.rectification.ledger_parsing import FIELD_LABELS

    overrides: dict[str, int | None] = {}
    for field_name in FIELD_LABELS:
        raw = data.get(f"map_{field_name}")
        if raw is None:
            continue
        overrides[field_name] = parse_int(raw, min=0, max=99_999)
    return overrides


def _take_file_values(data):
    """The conflicts the user chose to settle with the file's value ("措施ID:字段"), or all of them."""
    from tongban.core.import_snapshots import TakeFileValues

    keys = frozenset(k for k in data.getlist("take") if re.fullmatch(r"\d{1,12}:[a-z_]{1,40}", k))
    return TakeFileValues(all=data.get("take_all") == "1", fields=keys)


def _unit_choices(data, current: dict) -> dict:
    """The answers of the preview's “未识别的单位” form: map a name to a unit, or create it under a
    parent. Unit ids are checked against the user's scope when the import uses them."""
    choices = {"map": dict(current.get("map") or {}), "create": dict(current.get("create") or {})}
    for index in range(200):
        name = (data.get(f"unknown_{index}_name") or "").strip()
        if not name:
            break
        choices["map"].pop(name, None)
        choices["create"].pop(name, None)
        action = data.get(f"unknown_{index}_action")
        unit_pk = parse_int(data.get(f"unknown_{index}_unit"), min=1)
        parent_pk = parse_int(data.get(f"unknown_{index}_parent"), min=1)
        if action == "map" and unit_pk is not None:
            choices["map"][name] = unit_pk
        elif action == "create" and parent_pk is not None:
            choices["create"][name] = {"parent": parent_pk,
                                       "kind": (data.get(f"unknown_{index}_kind") or "department")[:40],
                                       "full_name": (data.get(f"unknown_{index}_full_name") or "").strip()[:100]}
    return choices


def _choice_for(choices: dict, name: str) -> dict:
    if name in (choices.get("map") or {}):
        return {"action": "map", "unit": choices["map"][name]}
    if name in (choices.get("create") or {}):
        return {"action": "create", **choices["create"][name]}
    return {"action": ""}


@login_required
def import_upload(request):
    """Step 1: upload the ledger (type, content, size, unpacked size and dimensions checked); it waits
    under MEDIA_ROOT/imports/ under a generated name until it is confirmed or a day has passed."""
    from tongban.core.pending_uploads import keep_upload
    from tongban.core.uploads import check_workbook_upload, extension

    _require(request, "rectification.manage")
    form = LedgerUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_workbook_upload(upload)
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            inspection = form.cleaned_data["inspection"]
            token = keep_upload(request, upload, kind=LEDGER_IMPORT, ext=extension(upload.name),
                                inspection=inspection.pk if inspection else None)
            return redirect("rectification:import_preview", token=token)
    return render(request, "rectification/import_upload.html", {"form": form})


@login_required
def import_preview(request, token: str):
    """Step 2: the detected header and column mapping (changeable), every error by row, the counts of a
    dry run, each field a re-import would change (conflicts with edits made in tongban kept unless the
    user takes the file's value); step 3 (POST): hand the upload to the worker, once."""
    from tongban.core.pending_uploads import forget, pending_upload, update_entry
    from tongban.rectification.importing import import_ledger, queue_import
    from tongban.rectification.ledger_parsing import FIELD_LABELS, STATUS_LABELS, parse_ledger

    _require(request, "rectification.manage")
    data = request.POST if request.method == "POST" else request.GET
    confirm = request.method == "POST" and data.get("confirm") == "1"
    runs = ImportRun.objects.visible_to(request.user)
    if confirm and (claimed := runs.filter(token=token).first()) is not None:
        return redirect(claimed)  # a second click (or a twentieth): the one run already confirmed
    try:
        path, entry = pending_upload(request, token, LEDGER_IMPORT)
    except Http404:
        if confirm and (claimed := runs.filter(token=token).first()) is not None:
            return redirect(claimed)  # confirmed by a concurrent click in the meantime
        raise
    inspection = get_visible_or_404(Inspection, request.user, pk=entry["inspection"]) if entry["inspection"] else None
    overrides = _column_overrides(data)
    take = _take_file_values(data)
    if request.method == "POST" and data.get("units") == "1":
        update_entry(request, token, unit_choices=_unit_choices(data, entry.get("unit_choices") or {}))
        query = data.get("query", "")
        return redirect(f"{request.path}?{query}" if re.fullmatch(r"[\w=&%.+-]*", query) else request.path)
    unit_choices = entry.get("unit_choices") or {}
    if confirm:
        run = queue_import(token=token, path=path, file_name=entry["name"], inspection=inspection,
                           column_overrides=overrides, take_file_values=take, unit_choices=unit_choices,
                           by=request.user)
        forget(request, token)
        return redirect(run)
    parsed = parse_ledger(str(path), column_overrides=overrides or None, name=entry["name"])
    result = import_ledger(parsed, inspection=inspection, dry_run=True, by=request.user, take_file_values=take,
                           unit_choices=unit_choices)
    mapping = [
        {"field": name, "label": label, "column": parsed.mapping.get(name)}
        for name, label in FIELD_LABELS.items()
    ]
    from tongban.org.models import Unit, UnitKind

    unresolved = [{**u, "index": i, "choice": _choice_for(unit_choices, u["name"])}
                  for i, u in enumerate(result.unresolved_units)]
    context = {
        "token": token, "entry": entry, "inspection": inspection, "parsed": parsed, "result": result,
        "mapping": mapping, "columns": list(enumerate(parsed.columns)), "take": take,
        "unresolved": unresolved, "query": request.GET.urlencode(),
        "unit_options": Unit.objects.visible_to(request.user).filter(is_active=True).order_by("path") if unresolved else [],
        "unit_kinds": UnitKind.objects.all() if unresolved else [],
        "rows": [{"row": row, "status": STATUS_LABELS.get(row.status_code, "")} for row in parsed.rows[:50]],
    }
    return render(request, "rectification/import_preview.html", context)


@login_required
def import_template(request):
    """The ledger import template: the standard columns, example rows, how to fill them in."""
    from tongban.core.import_templates import template_response
    from tongban.rectification.importing import ledger_template

    _require(request, "rectification.manage")
    return template_response(ledger_template(), "整改台账导入模板.xlsx")


@login_required
def import_run(request, pk: int):
    """Step 4: the import's progress (polled every second) and, when done, its result."""
    run = get_visible_or_404(ImportRun.objects.select_related("inspection"), request.user, pk=pk)
    return render(request, "rectification/import_run.html", {"run": run})


@login_required
def import_progress(request, pk: int):
    """The progress bar alone, for htmx; once the import succeeds, htmx is sent on to the inspection."""
    run = get_visible_or_404(ImportRun.objects.select_related("inspection"), request.user, pk=pk)
    response = render(request, "rectification/_import_progress.html", {"run": run})
    if request.htmx and run.status == ImportStatus.SUCCEEDED and run.inspection:
        messages.success(request, run.summary)
        response["HX-Redirect"] = run.inspection.get_absolute_url()
    return response


# --------------------------------------------------------------------------------------------------
# Signals (issue 16): prompts to look, for the rectification office and the discipline inspectors


SIGNAL_ORDER = ("-pk",)


def _signals(user):
    return Signal.objects.visible_to(user).select_related(
        "measure__lead_unit", "measure__finding__inspection", "other_measure", "decided_by__staff")


@login_required
def signal_list(request):
    """By signal, unit and inspection (the same FilterSet as the export and the API); unresolved ones
    unless asked otherwise; keyset pages."""
    _require(request, "rectification.view_signals")
    data = request.GET.copy() if request.GET else QueryDict("unresolved=true")
    filterset = SignalFilterSet(data, queryset=_signals(request.user), request=request)
    rows = filterset.strict_qs
    if request.GET.get("export") == "xlsx":
        return export_signals(request, data, rows)
    page = keyset_page(rows, SIGNAL_ORDER, request.GET.get("cursor"))
    page.count = rows.count()
    visible = _visible_other_measures(request.user, page)
    return render(request, "rectification/signal_list.html", {
        "filter": filterset, "page": page, "params": _keyset_params(request), "visible_others": visible,
    })


def _visible_other_measures(user, signals) -> set[int]:
    """The other measures a signal names that this reader may open (the rest are named, not linked)."""
    others = {s.other_measure_id for s in signals if s.other_measure_id}
    return set(Measure.objects.visible_to(user).filter(pk__in=others).values_list("pk", flat=True)) if others else set()


def measure_signals(user, measure: Measure) -> dict | None:
    """The measure page's signals section: None for readers without `view_signals`."""
    if not user.has_perm("rectification.view_signals"):
        return None
    signals = list(_signals(user).filter(measure=measure).order_by("-active", "status", "-pk"))
    can_decide = user.has_perm("rectification.decide_signal")
    for signal in signals:
        if can_decide and signal.status == SignalStatus.OPEN:
            ids = f"id_signal{signal.pk}_%s"  # several signals' forms on one page: ids of their own
            signal.decision_form = SignalDecisionForm(auto_id=ids, initial={"scheduled_date": _today()})
            signal.accountability_form = AccountabilityForm(
                user=user, auto_id=ids,
                initial={"target_unit": measure.lead_unit, "decided_on": _today(), "reason_kind": "superficial"})
    return {"signals": signals, "visible_others": _visible_other_measures(user, signals), "can_decide": can_decide,
            "revisit_allowed": measure.status == MeasureStatus.VERIFIED}


@login_required
@require_POST
def signal_decide(request, pk: int):
    """已核查，无问题 / 安排回头看 / 记录问责, with the reason: `signals.decide` (the existing services)."""
    signal = get_visible_or_404(Signal, request.user, pk=pk)
    _require(request, "rectification.decide_signal")
    form = SignalDecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("请写明核查情况或处理理由。")
        data = form.cleaned_data
        accountability = None
        if data["decision"] == SignalStatus.ACCOUNTABILITY:
            details = AccountabilityForm(request.POST, user=request.user)
            if not details.is_valid():
                raise ValidationError("请完整填写问责信息。")
            accountability = {k: v for k, v in details.cleaned_data.items() if k != "notes"}
        if data["decision"] == SignalStatus.REVISIT and not data.get("scheduled_date"):
            raise ValidationError("请选择回头看日期。")
        signals.decide(signal, decision=data["decision"], reason=data["reason"], by=request.user,
                       revisit_date=data.get("scheduled_date"), accountability=accountability)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已处理：{SignalStatus(data['decision']).label}。")
    return redirect(f"{signal.measure.get_absolute_url()}#signal-{signal.pk}")
