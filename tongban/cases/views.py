"""Case pages. Views parse, authorise and call the services; every queryset goes through the scope layer and
every lookup through `get_visible_or_404`; the buttons come from the transition table."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongban.cases import exports as case_exports
from tongban.cases import intake_forms, notices, privacy, selectors, transitions
from tongban.cases.rows import case_rows, task_rows
from tongban.cases.choices import (
    CASE_STATUS_COLORS,
    MATERIAL_STATE_COLORS,
    TASK_STATUS_COLORS,
    CaseStatus,
    MaterialState,
)
from tongban.cases.filtersets import CaseFilterSet, TaskFilterSet
from tongban.cases.forms import CaseActionForm, TaskActionForm
from tongban.cases.models import Case, CaseSettings, CaseTask, TaskStep
from tongban.cases.services import actions, intake
from tongban.catalog.models import Bundle, ServiceItem
from tongban.core.paging import keyset_page
from tongban.core.text import parse_int
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
    """办件查询 (leaders: everything in scope, with counts by status); `?export=xlsx` downloads it (办件台账)."""
    _require(request, "cases.view_cases")
    if request.GET.get("export") == "xlsx":
        return case_exports.export_list(request)
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
    # A reader over part of the county (分管 some units) sees which units review each case: a case received
    # elsewhere is in their list for a task of theirs (one query for the page).
    reviewing = (None if scope_for(request.user).everything
                 else selectors.reviewing_units(c.pk for c in page.object_list))
    return _render(request, "cases/case_list.html", {
        "title": "办件查询", "filter": filterset, "page": page, "params": _params(request), "reviewing": reviewing,
        "rows": case_rows(page.object_list, reviewing=reviewing),
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
        "rows": case_rows(page.object_list),
        "empty": "今天收件的办件和待受理、补正中的办件会出现在这里。", "today": today,
    })


@login_required
def review_queue(request):
    _require(request, "cases.view_cases")
    filterset = TaskFilterSet(request.GET or None, queryset=selectors.review_queue(request.user))
    page = keyset_page(filterset.qs.only(*selectors.TASK_ROW_FIELDS), selectors.REVIEW_ORDER, request.GET.get("cursor"))
    today = timezone.localdate()
    return _render(request, "cases/review_queue.html", {
        "title": "待审查", "page": page, "params": _params(request), "filter": filterset,
        "today": today, "rows": task_rows(page.object_list, today=today),
    })


@login_required
def delivery_queue(request):
    _require(request, "cases.view_cases")
    page = keyset_page(selectors.delivery_queue(request.user), selectors.DELIVERY_ORDER, request.GET.get("cursor"))
    _decorate(page.object_list)
    today = timezone.localdate()
    return _render(request, "cases/queue.html", {
        "title": "待出件", "page": page, "params": _params(request), "show": "delivery",
        "empty": "审批决定后的办件会出现在这里，由统一出件窗口通知申请人领取。", "today": today,
        "rows": case_rows(page.object_list, delivery=True, today=today),
    })


# --- Intake ---------------------------------------------------------------------------------------

def _choice(request):
    """The item or bundle picked (?item= / ?bundle=), or None."""
    data = request.POST if request.method == "POST" else request.GET
    for key, model in (("bundle", Bundle), ("item", ServiceItem)):
        pk = parse_int(data.get(key), min=1)
        if pk is not None:
            return key, model.objects.filter(pk=pk).first()
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
                                           materials=checklist.materials(), form_data=application.form_data,
                                           licences=checklist.licences(), **what)
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
                                                          "bundle", "received_by", "first_window__unit"),
                              request.user, number=number)


def _page_state(request, case: Case) -> dict:
    """What the case page and its forms need: the tasks (with units and stored steps), the buttons of the
    transition table worked out once for all tasks (`transitions.page_actions`), the materials."""
    steps = Prefetch("steps", queryset=TaskStep.objects.select_related("completed_by").order_by("order"))
    tasks = list(case.tasks.select_related("item", "unit", "decided_by").prefetch_related(steps).order_by("stage", "pk"))
    buttons, task_buttons = transitions.page_actions(case, request.user, tasks)
    return {"tasks": tasks, "buttons": buttons, "task_buttons": task_buttons, "policy": CaseSettings.load(),
            "materials": list(case.materials.select_related("identity").prefetch_related("files"))}


def _case_form(case: Case, state: dict, data=None) -> CaseActionForm:
    return CaseActionForm(data, case=case, materials=state["materials"], actions=[b.action for b in state["buttons"]])


def _task_form(case: Case, state: dict, task: CaseTask | None, data=None) -> TaskActionForm:
    actions = [b.action for b in state["task_buttons"].get(task.pk, [])] if task else []
    return TaskActionForm(data, case=case, task=task, actions=actions, policy=state["policy"])


def _detail(request, case: Case, *, form=None, revealed: dict | None = None, status: int = 200, state=None):
    user = request.user
    state = state or _page_state(request, case)
    tasks, buttons, materials = state["tasks"], state["buttons"], state["materials"]
    today = timezone.localdate()
    placed = False
    for task in tasks:
        task.status_color = TASK_STATUS_COLORS.get(task.status, "secondary")
        task.buttons = state["task_buttons"].get(task.pk, [])
        task.step_rows = list(task.steps.all())
        for step in task.step_rows:
            step.late = step.due_date is not None and (
                step.completed_on > step.due_date if step.completed_on else step.status == "current" and step.due_date < today)
        task.form = None
        if isinstance(form, TaskActionForm) and form.task is not None and form.task.pk == task.pk and task.buttons:
            task.form, placed = form, True
        elif task.buttons:
            task.form = _task_form(case, state, task)
    for material in materials:
        material.color = MATERIAL_STATE_COLORS.get(material.state, "secondary")
    names = {t.action for t in buttons}
    case_form = None
    if isinstance(form, CaseActionForm) and buttons:
        case_form, placed = form, True
    elif buttons:
        case_form = _case_form(case, state)
    error = None
    if form is not None and form.errors:
        # Field errors sit next to their fields; the summary (and every error of a form whose panel is gone: a
        # stale page) heads the page.
        shown = form.non_field_errors() if placed else [m for errors in form.errors.values() for m in errors]
        error = "；".join(shown) or "操作未完成，请按提示修改标出的内容。"
    can_reveal = user.has_perm("cases.reveal_personal_data", case)  # handlers and leaders in scope
    _decorate([case])
    return _render(request, "cases/case_detail.html", {
        "title": case.number, "case": case, "tasks": tasks, "materials": materials, "buttons": buttons,
        "names": names, "form": case_form, "edit_materials": bool(case_form and case_form.material_rows),
        "events": case.events.select_related("actor", "task__item").order_by("pk"),
        "suspensions": case.suspensions.all(), "handover": getattr(case, "handover", None),
        "extensions": case.extensions.select_related("task__item", "requested_by", "decided_by").order_by("pk"),
        "delivery_late": case.status == CaseStatus.READY and case.delivery_due_date is not None
        and case.delivery_due_date < today,
        "can_reveal": can_reveal, "revealed": revealed, "error": error, "today": today,
        "notices": notices.available(case) if can_reveal else [],
        "document_links": notices.extra_links(case, request.user) if can_reveal else [],
    }, status=status)


@login_required
def case_detail(request, number: str):
    return _detail(request, _visible_case(request, number))


@login_required
@require_POST
def case_action(request, number: str):
    """Every button of the case page, as a form (`cases/forms.py`): all fields validated at once, then the
    action's service through `services.actions.perform`. A refused action shows the page again with each
    error next to its field and what was typed still in place."""
    case = _visible_case(request, number)
    state = _page_state(request, case)
    transition = transitions.TRANSITIONS.get(request.POST.get("action", ""))
    if transition is not None and transition.on_task:
        task_id = request.POST.get("task", "")
        task = next((t for t in state["tasks"] if str(t.pk) == task_id), None)
        form = _task_form(case, state, task, request.POST)
    else:
        form = _case_form(case, state, request.POST)
    if not form.is_valid():
        return _detail(request, case, form=form, status=400, state=state)
    action = form.cleaned_data["action"]
    try:
        case = actions.perform(case, action, by=request.user, task=form.cleaned_data.get("task"), **form.params())
    except ValidationError as exc:
        form.add_service_error(exc)
        return _detail(request, case, form=form, status=400, state=_page_state(request, case))
    messages.success(request, f"已{transitions.TRANSITIONS[action].label}。")
    return redirect(case.get_absolute_url())


@login_required
def case_file(request, number: str, pk: int):
    """A material file the applicant uploaded (全程网办), for those handling the case and leaders in scope."""
    from django.http import FileResponse, Http404

    case = _visible_case(request, number)
    _require(request, "cases.reveal_personal_data", case)
    record = case.files.filter(pk=pk).first()
    if record is None or not record.file:
        raise Http404("没有这个文件。")
    try:
        handle = record.file.open("rb")
    except FileNotFoundError:
        raise Http404("文件已不存在。")
    return FileResponse(handle, as_attachment=True, filename=record.original_name or record.file.name)


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
    response = HttpResponse(notices.signed_copy(case, kind) or notices.render(case, kind),
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


@login_required
def channels(request):
    """渠道与网点：本月（或 ?month=YYYY-MM）各乡镇、村便民服务点和银行、邮政网点收件、转出、转入、办结的件数，
    以及范围内各收件渠道的件数（selectors.channel_month）。"""
    from datetime import timedelta

    from tongban.cases.choices import Channel

    try:
        first, last = selectors.month_bounds(request.GET.get("month", ""), timezone.localdate())
    except ValidationError as exc:  # out of range: this month instead, and say why
        messages.error(request, exc.messages[0])
        first, last = selectors.month_bounds("", timezone.localdate())
    figures = selectors.channel_month(request.user, first, last)
    labels = dict(Channel.choices)
    return _render(request, "cases/channels.html", {
        "title": "渠道与网点", "first": first, "last": last, "rows": figures["sites"], "totals": figures["totals"],
        "townships": figures["townships"],
        "channels": [(labels[code], figures["channels"].get(code, 0)) for code in Channel.values],
        "previous": (first - timedelta(days=1)).strftime("%Y-%m"), "next": (last + timedelta(days=1)).strftime("%Y-%m"),
    })
