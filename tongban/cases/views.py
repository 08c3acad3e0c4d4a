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

from tongban.cases import notices, privacy, selectors, transitions
from tongban.cases.choices import (
    BEFORE_ACCEPTANCE,
    CASE_STATUS_COLORS,
    MATERIAL_STATE_COLORS,
    TASK_STATUS_COLORS,
    ApplicantKind,
    CaseStatus,
    HandoverMethod,
    IdType,
    MaterialState,
)
from tongban.cases.filtersets import CaseFilterSet, TaskFilterSet
from tongban.cases.models import Case, CaseTask
from tongban.cases.services import actions, intake
from tongban.catalog.choices import SpecialStepKind
from tongban.catalog.models import Bundle, ServiceItem
from tongban.core.paging import keyset_page
from tongban.org.scopes import get_visible_or_404, scope_for


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
    """办件查询 (leaders: everything in scope, with counts by status)."""
    _require(request, "cases.view_cases")
    visible = Case.objects.visible_to(request.user)
    filterset = CaseFilterSet(request.GET or None, queryset=visible, user=request.user)
    rows = selectors.list_rows(filterset.qs).select_related(None).select_related("intake_window")
    page = keyset_page(rows.only(*selectors.ROW_FIELDS), selectors.LIST_ORDER, request.GET.get("cursor"))
    _decorate(page.object_list)
    # The counts by status head the first page, unfiltered or filtered by unit only (an index range per
    # status): a search, another filter or a later page counts nothing. Each count reads at most
    # selectors.COUNT_CAP + 1 rows and says so when it is more (tongban bench cases).
    counted = set(request.GET) <= {"intake_unit"} and (not request.GET or filterset.is_valid())
    unit = filterset.form.cleaned_data.get("intake_unit") if counted and request.GET else None
    per_status = bool(unit) or scope_for(request.user).everything  # the indexes serve these alone
    counts = selectors.status_counts(filterset.qs, per_status=per_status) if counted else {}
    return _render(request, "cases/case_list.html", {
        "title": "办件查询", "filter": filterset, "page": page, "params": _params(request),
        "counts": [(CaseStatus(s).label, n, f"intake_unit={unit.pk}&status={s}" if unit else f"status={s}")
                   for s, n in counts.items()],
        "total": selectors.Tally.total(counts.values()), "counted_unit": unit, "cap": selectors.COUNT_CAP,
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
    page = keyset_page(filterset.qs.only(*selectors.TASK_ROW_FIELDS), selectors.REVIEW_ORDER, request.GET.get("cursor"))
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
    """收件登记 at the clerk's window: pick what is applied for, then the applicant and the checklist."""
    window = _intake_window(request)
    kind, chosen = _choice(request)
    if chosen is not None and intake.why_window_cannot_take(window, **{kind: chosen}):
        messages.error(request, f"本窗口不能受理“{chosen.name}”：{intake.why_window_cannot_take(window, **{kind: chosen})}。")
        chosen = None
    checklist = []
    fields = []
    if chosen is not None:
        checklist = intake.checklist_for(chosen if kind == "item" else None, chosen if kind == "bundle" else None)
        fields = _form_fields(kind, chosen)
    error = None
    if request.method == "POST" and chosen is not None:
        applicant = {name: request.POST.get(name, "") for name in intake.APPLICANT_FIELDS}
        states = {m["identity"].code: {"state": request.POST.get(f"m_{m['identity'].code}", ""),
                                       "received_originals": request.POST.get(f"o_{m['identity'].code}"),
                                       "received_copies": request.POST.get(f"c_{m['identity'].code}"),
                                       "problem": request.POST.get(f"p_{m['identity'].code}", "")}
                  for m in checklist if not m["produced"]}
        states = {code: value for code, value in states.items() if value["state"]}
        form_data = {f["code"]: request.POST.get(f"f_{f['code']}", "")[:500] for f in fields}
        try:
            case = intake.receive_case(by=request.user, window=window, applicant=applicant, materials=states,
                                       form_data=form_data, **{kind: chosen})
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, f"已收件，办件编号 {case.number}。")
            return redirect(case.get_absolute_url())
    bundles = intake.takeable_bundles(window).order_by("sort_order", "slug")
    items = intake.takeable_items(window).select_related("implementing_unit").order_by("implementation_code")
    return _render(request, "cases/intake_form.html", {
        "title": "收件登记", "window": window, "kind": kind, "chosen": chosen, "checklist": checklist,
        "fields": fields, "bundles": bundles, "items": items, "error": error, "posted": request.POST,
        "applicant_kinds": ApplicantKind.choices, "id_types": IdType.choices,
        "states": [(s.value, s.label) for s in MaterialState if s != MaterialState.PRODUCED],
    })


def _form_fields(kind: str, chosen) -> list[dict]:
    if kind == "bundle":
        from tongban.catalog.bundles import bundle_guide

        return [{"code": f.code, "label": f.label, "required": f.is_required} for f in bundle_guide(chosen).fields]
    return [{"code": f.element.code, "label": f.element.label, "required": f.is_required}
            for f in chosen.form_fields.select_related("element")]


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
