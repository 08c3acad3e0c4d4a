"""Case pages. Views parse, authorise and call the services; every queryset goes through the scope layer and
every lookup through `get_visible_or_404`; the buttons come from the transition table."""
from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongban.cases import exports as case_exports
from tongban.cases import intake_forms, notices, privacy, selectors, transitions
from tongban.cases.choices import (
    BEFORE_ACCEPTANCE,
    CASE_STATUS_COLORS,
    MATERIAL_STATE_COLORS,
    TASK_STATUS_COLORS,
    CaseStatus,
    HandoverMethod,
    MaterialState,
)
from tongban.cases.filtersets import CaseFilterSet, TaskFilterSet
from tongban.cases.models import Case, CaseTask
from tongban.cases.services import actions, intake
from tongban.catalog.choices import SpecialStepKind
from tongban.catalog.models import Bundle, ServiceItem
from tongban.core.paging import keyset_page
from tongban.org.scopes import get_visible_or_404


def _params(request) -> str:
    query = request.GET.copy()
    query.pop("cursor", None)
    return query.urlencode()


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _render(request, template: str, context: dict, status: int = 200):
    """Every case page knows whether its reader receives cases (the 收件 tabs)."""
    context["can_receive"] = bool(intake.intake_windows_for(request.user))
    return render(request, template, context, status=status)


def _intake_window(request):
    """The window the user receives at; superusers hold every permission but sit at no window."""
    windows = intake.intake_windows_for(request.user)
    if not windows:
        raise PermissionDenied
    return windows[0]


def _decorate(cases) -> list[Case]:
    for case in cases:
        case.masked_id = privacy.masked_id_number(case)
        case.masked_phone = privacy.masked_phone(case)
        case.status_color = CASE_STATUS_COLORS.get(case.status, "secondary")
    return cases


@login_required
def case_list(request):
    """办件查询 (leaders: everything in scope, with counts by status); `?export=xlsx` downloads it (办件台账)."""
    _require(request, "cases.view_cases")
    if request.GET.get("export") == "xlsx":
        return case_exports.export_list(request)
    visible = Case.objects.visible_to(request.user)
    filterset = CaseFilterSet(request.GET or None, queryset=visible, user=request.user)
    page = keyset_page(selectors.list_rows(filterset.qs), selectors.LIST_ORDER, request.GET.get("cursor"))
    _decorate(page.object_list)
    # The counts by status head the unfiltered first page only: a search, a filter or a later page (a cursor)
    # counts nothing, so the busiest requests never scan the whole scope (tongban bench cases).
    counts = {} if request.GET else selectors.status_counts(visible)
    return _render(request, "cases/case_list.html", {
        "title": "办件查询", "filter": filterset, "page": page, "params": _params(request),
        "counts": [(CaseStatus(s).label, n, s) for s, n in counts.items()], "total": sum(counts.values()),
    })


@login_required
def intake_queue(request):
    _intake_window(request)
    today = timezone.localdate()
    page = keyset_page(selectors.intake_queue(request.user, today), selectors.INTAKE_ORDER, request.GET.get("cursor"))
    _decorate(page.object_list)
    return _render(request, "cases/queue.html", {
        "title": "收件受理", "page": page, "params": _params(request), "show": "intake",
        "empty": "今天收件的办件和待受理、补正中的办件会出现在这里。", "today": today,
    })


@login_required
def review_queue(request):
    _require(request, "cases.view_cases")
    filterset = TaskFilterSet(request.GET or None, queryset=selectors.review_queue(request.user))
    page = keyset_page(filterset.qs, selectors.REVIEW_ORDER, request.GET.get("cursor"))
    for task in page.object_list:
        task.status_color = TASK_STATUS_COLORS.get(task.status, "secondary")
    return _render(request, "cases/review_queue.html", {
        "title": "待审查", "page": page, "params": _params(request), "filter": filterset,
        "today": timezone.localdate(),
    })


@login_required
def delivery_queue(request):
    _require(request, "cases.view_cases")
    page = keyset_page(selectors.delivery_queue(request.user), selectors.DELIVERY_ORDER, request.GET.get("cursor"))
    _decorate(page.object_list)
    return _render(request, "cases/queue.html", {
        "title": "待出件", "page": page, "params": _params(request), "show": "delivery",
        "empty": "审批决定后的办件会出现在这里，由统一出件窗口通知申请人领取。",
    })


# --- Intake ---------------------------------------------------------------------------------------

def _choice(request):
    """The item or bundle picked (?item= / ?bundle=), or None."""
    data = request.POST if request.method == "POST" else request.GET
    for key, model in (("bundle", Bundle), ("item", ServiceItem)):
        value = (data.get(key) or "").strip()
        if value.isdigit() and len(value) < 12:
            return key, model.objects.filter(pk=int(value)).first()
    return None, None


@login_required
def intake_form(request):
    """收件登记 at the clerk's window: pick what is applied for, then the applicant, the merged form and the
    checklist (`intake_forms`). Every problem is shown at once next to its field, with what was typed."""
    window = _intake_window(request)
    kind, chosen = _choice(request)
    if chosen is not None and intake.why_window_cannot_take(window, **{kind: chosen}):
        messages.error(request, f"本窗口不能受理“{chosen.name}”：{intake.why_window_cannot_take(window, **{kind: chosen})}。")
        chosen = None
    context = {"title": "收件登记", "window": window, "kind": kind, "chosen": chosen}
    if chosen is None:
        context["bundles"] = intake.takeable_bundles(window).order_by("sort_order", "slug")
        context["items"] = intake.takeable_items(window).select_related("implementing_unit").order_by("implementation_code")
        return _render(request, "cases/intake_form.html", context)
    what = {"item": chosen if kind == "item" else None, "bundle": chosen if kind == "bundle" else None}
    data = request.POST if request.method == "POST" else None
    applicant = intake_forms.ApplicantForm(data)
    application = intake_forms.ApplicationForm(data, form_fields=intake_forms.form_fields_for(**what))
    checklist = intake_forms.ChecklistForm(data, checklist=intake.checklist_for(**what))
    error = None
    if data is not None:
        valid = [form.is_valid() for form in (applicant, application, checklist)]  # all three, for every error
        if all(valid):
            try:
                case = intake.receive_case(by=request.user, window=window, applicant=applicant.applicant,
                                           materials=checklist.materials(), form_data=application.form_data, **what)
            except ValidationError as exc:
                error = _show_service_error(exc, applicant)
            else:
                messages.success(request, f"已收件，办件编号 {case.number}。")
                return redirect(case.get_absolute_url())
        else:
            count = sum(form.error_count() for form in (applicant, application, checklist))
            error = f"有 {count} 处需要修改，已在各项旁标红；改好后再提交（已填写的内容都保留着）。"
    for form in (applicant, application, checklist):
        form.mark_invalid()
    context.update(applicant=applicant, application=application, checklist=checklist, error=error)
    return _render(request, "cases/intake_form.html", context, status=400 if error else 200)


def _show_service_error(exc: ValidationError, applicant_form) -> str | None:
    """What the service refused after the forms passed: field errors go next to their fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            applicant_form.add_error(field if field in applicant_form.fields else None, errors)
        return "请按提示修改标红的内容后再提交（已填写的内容都保留着）。"
    return exc.messages[0]


# --- The case page --------------------------------------------------------------------------------

def _visible_case(request, number: str) -> Case:
    return get_visible_or_404(Case.objects.select_related("intake_window", "intake_unit", "delivery_window", "item",
                                                          "bundle", "received_by"), request.user, number=number)


def _detail(request, case: Case, *, error: str | None = None, revealed: dict | None = None, status: int = 200):
    user = request.user
    tasks = list(case.tasks.select_related("item", "unit", "decided_by").order_by("stage", "pk"))
    steps = selectors.task_steps(tasks)
    for task in tasks:
        task.status_color = TASK_STATUS_COLORS.get(task.status, "secondary")
        task.buttons = transitions.task_actions_for(task, user)
        task.steps = steps.get(task.pk, [])
    materials = list(case.materials.select_related("identity"))
    for material in materials:
        material.color = MATERIAL_STATE_COLORS.get(material.state, "secondary")
    buttons = transitions.actions_for(case, user)
    names = {t.action for t in buttons}
    can_reveal = user.has_perm("cases.reveal_personal_data", case)  # handlers and leaders in scope
    _decorate([case])
    return _render(request, "cases/case_detail.html", {
        "title": case.number, "case": case, "tasks": tasks, "materials": materials, "buttons": buttons,
        "names": names, "edit_materials": case.status in BEFORE_ACCEPTANCE and bool(names & {"accept", "notify_correction", "correct", "accept_pending"}),
        "states": [(s.value, s.label) for s in MaterialState if s != MaterialState.PRODUCED],
        "events": case.events.select_related("actor", "task__item").order_by("pk"),
        "suspensions": case.suspensions.all(), "handover": getattr(case, "handover", None),
        "can_reveal": can_reveal, "revealed": revealed,
        "error": error, "posted": request.POST if error else {}, "kinds": SpecialStepKind.choices,
        "methods": HandoverMethod.choices, "today": timezone.localdate(),
        "notices": notices.available(case) if can_reveal else [],
    }, status=status)


@login_required
def case_detail(request, number: str):
    return _detail(request, _visible_case(request, number))


@login_required
@require_POST
def case_action(request, number: str):
    """Every button of the case page: the action named in the form, through `services.actions.perform`. A
    refused action shows the page again with what was typed still in place."""
    case = _visible_case(request, number)
    action = request.POST.get("action", "")
    if action not in actions.SERVICES:
        return _detail(request, case, error="未知的操作。", status=400)
    task = None
    task_id = request.POST.get("task", "")
    if task_id.isdigit() and len(task_id) < 12:
        task = CaseTask.objects.filter(pk=int(task_id), case=case).first()
    params = {name: request.POST.get(name, "") for name in
              ("reason", "result_number", "kind", "method", "licence_number", "electronic_licence_number",
               "tracking_number", "recipient")}
    params["materials"] = {key[2:]: {"state": value, "problem": request.POST.get(f"p_{key[2:]}", "")}
                           for key, value in request.POST.items() if key.startswith("m_") and value}
    params["pending"] = [key[2:] for key, value in request.POST.items() if key.startswith("m_") and value == "pending"]
    params["promise_signed"] = request.POST.get("promise_signed") == "on"
    params["codes"] = request.POST.getlist("codes")
    due = request.POST.get("pending_due", "")
    try:
        params["pending_due"] = date.fromisoformat(due) if due else None
    except ValueError:
        return _detail(request, case, error="容缺材料补齐期限不是有效日期。", status=400)
    try:
        case = actions.perform(case, action, by=request.user, task=task, **params)
    except ValidationError as exc:
        return _detail(request, case, error=exc.messages[0], status=400)
    messages.success(request, f"已{transitions.TRANSITIONS[action].label}。")
    return redirect(case.get_absolute_url())


@login_required
def notice(request, number: str, kind: str):
    """A printed notice (.docx from the centre's template), for those handling the case and leaders in scope."""
    from urllib.parse import quote

    from django.http import Http404, HttpResponse

    case = _visible_case(request, number)
    _require(request, "cases.reveal_personal_data", case)
    spec = notices.NOTICES.get(kind)
    if spec is None or not spec.applies(case):
        raise Http404("该办件没有这份文书。")
    response = HttpResponse(notices.render(case, kind),
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    filename = quote(f"{spec.title}-{case.number}.docx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@login_required
@require_POST
def reveal(request, number: str):
    """The full ID number and phone, for handlers and leaders in scope; every reveal is logged."""
    case = _visible_case(request, number)
    _require(request, "cases.reveal_personal_data", case)
    return _detail(request, case, revealed=privacy.reveal(case, by=request.user))
