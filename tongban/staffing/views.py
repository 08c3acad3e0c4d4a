"""Pages of 日考勤: the monthly sheet (and its Excel), the attendance-machine import, leave and field work."""
from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongban.core.pending_uploads import forget, keep_upload, pending_upload
from tongban.core.text import parse_int
from tongban.core.uploads import extension
from tongban.org.models import Staff, Unit, Window
from tongban.org.scopes import get_visible_or_404
from tongban.staffing import exporting, importing, rules, selectors, services
from tongban.staffing.forms import AttendanceImportForm, HandOverForm, InspectionForm, LeaveForm, ReturnForm, TalkForm
from tongban.staffing.models import Inspection, InspectionPhoto, Leave, LeaveStatus, StaffReturn, Talk

IMPORT_KIND = "staffing-attendance"


def _month_and_unit(request):
    today = timezone.localdate()
    try:
        month = selectors.Month.parse(request.GET.get("month"), today)
    except ValueError as exc:
        messages.error(request, str(exc))
        month = selectors.Month(today.year, today.month)
    unit_pk = parse_int(request.GET.get("unit"), min=1)
    unit = get_visible_or_404(Unit, request.user, pk=unit_pk) if unit_pk is not None else None
    return today, month, unit


def _window(request):
    window_pk = parse_int(request.GET.get("window"), min=1)
    return get_visible_or_404(Window, request.user, pk=window_pk) if window_pk is not None else None


@login_required
def attendance_sheet(request):
    today, month, unit = _month_and_unit(request)
    window = _window(request)
    rows = selectors.month_attendance(selectors.visible_staff(request.user, unit=unit, window=window, month=month),
                                      month, today)
    days = list(range(1, month.last.day + 1))
    units = Unit.objects.visible_to(request.user).only("pk", "name", "path")
    windows = Window.objects.visible_to(request.user).filter(is_active=True).only("pk", "code", "name")
    return render(request, "staffing/attendance.html", {
        "month": month, "unit": unit, "window": window, "rows": rows, "days": days, "units": units, "windows": windows,
        "can_import": rules.can_import_attendance(request.user),
        "previous": f"{month.first.replace(day=1) - timezone.timedelta(days=1):%Y-%m}",
        "next": f"{month.last + timezone.timedelta(days=1):%Y-%m}",
    })


@login_required
def attendance_export(request):
    today, month, unit = _month_and_unit(request)
    window = _window(request)
    rows = selectors.month_attendance(selectors.visible_staff(request.user, unit=unit, window=window, month=month),
                                      month, today)
    content = exporting.sheet_bytes(rows, month, window or unit)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"{month.label}考勤表{('-' + unit.name) if unit else ''}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def attendance_import(request):
    """Upload → preview (what the columns map to, the first new punches) → confirm; or errors by row."""
    if not rules.can_import_attendance(request.user):
        raise PermissionDenied
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "report": None, "errors": [], "token": None}
    if request.method == "POST":
        token = request.POST.get("token", "")
        try:
            if token:
                path, entry = pending_upload(request, token, IMPORT_KIND)
                report = importing.import_attendance(str(path), name=entry["name"], by=request.user,
                                                     mapping_overrides=entry.get("overrides") or {})
                forget(request, token, delete_file=True)
                messages.success(request, report.summary())
                return redirect(f"{request.path.rsplit('import/', 1)[0]}?month={report.first:%Y-%m}")
            if form.is_valid():
                upload = form.cleaned_data["file"]
                overrides = form.overrides()
                report = importing.import_attendance(upload, name=upload.name, dry_run=True, by=request.user,
                                                     mapping_overrides=overrides)
                context["report"] = report
                if report.new:
                    context["token"] = keep_upload(request, upload, kind=IMPORT_KIND, ext=extension(upload.name),
                                                   overrides=overrides)
                messages.info(request, report.summary())
        except importing.ImportRejected as refused:
            context["errors"] = refused.errors
            messages.error(request, refused.message)
    return render(request, "staffing/import.html", context)


@login_required
def leave_list(request):
    staff_options = list(Staff.objects.visible_to(request.user).filter(is_active=True)
                         .select_related("unit").order_by("unit__path", "staff_no"))
    form = LeaveForm(request.POST or None)
    form.fields["staff"].widget.choices = [(s.pk, f"{s.name}（{s.unit.name}）") for s in staff_options]
    if request.method == "POST" and form.is_valid():
        staff = get_visible_or_404(Staff.objects.select_related("unit"), request.user, pk=form.cleaned_data["staff"])
        try:
            services.enter_leave(staff=staff, kind=form.cleaned_data["kind"], first_day=form.cleaned_data["first_day"],
                                 last_day=form.cleaned_data["last_day"], reason=form.cleaned_data["reason"],
                                 by=request.user)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "您无权为该人员登记。")
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "已登记。")
            return redirect("staffing:leave_list")
    leaves = list(Leave.objects.visible_to(request.user).select_related("staff__unit", "entered_by", "decided_by")[:200])
    for leave in leaves:
        leave.can_decide = leave.status == LeaveStatus.PENDING and rules.can_approve_leave(request.user, leave.staff)
    return render(request, "staffing/leave_list.html", {"form": form, "leaves": leaves})


@login_required
@require_POST
def leave_decide(request, pk: int):
    leave = get_visible_or_404(Leave.objects.select_related("staff__unit"), request.user, pk=pk)
    try:
        services.decide_leave(leave, approve=request.POST.get("approve") == "1", by=request.user)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "已审批。")
    return redirect("staffing:leave_list")


def _staff_choices(user):
    people = Staff.objects.visible_to(user).filter(is_active=True).select_related("unit").order_by("unit__path", "staff_no")
    return [(s.pk, f"{s.name}（{s.unit.name}）") for s in people]


@login_required
def inspection_list(request):
    """周督查: the records in scope for the month; the centre's inspectors add one (with photos)."""
    today, month, unit = _month_and_unit(request)
    can_add = rules.can_inspect(request.user)
    form = InspectionForm(request.POST or None, request.FILES or None, initial={"inspected_on": today})
    if can_add:
        form.fields["staff"].widget.choices = _staff_choices(request.user)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            staff = get_visible_or_404(Staff.objects.select_related("unit", "window"), request.user,
                                       pk=form.cleaned_data["staff"])
            try:
                services.record_inspection(staff=staff, inspected_on=form.cleaned_data["inspected_on"],
                                           aspect=form.cleaned_data["aspect"], finding=form.cleaned_data["finding"],
                                           photos=form.cleaned_data["photos"], by=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error("photos", message)
            else:
                messages.success(request, "已录入周督查记录。")
                return redirect(f"{request.path}?month={form.cleaned_data['inspected_on']:%Y-%m}")
    records = (Inspection.objects.visible_to(request.user)
               .filter(inspected_on__range=(month.first, month.last))
               .select_related("staff__unit", "window", "inspector__staff").prefetch_related("photos"))
    if unit is not None:
        records = records.filter(staff__unit__path__startswith=unit.path)
    return render(request, "staffing/inspection_list.html", {
        "form": form, "can_add": can_add, "records": records, "month": month, "unit": unit})


@login_required
def inspection_photo(request, pk: int):
    from tongban.core.files import stored_file_response

    photo = get_object_or_404(InspectionPhoto.objects.select_related("inspection"), pk=pk)
    get_visible_or_404(Inspection, request.user, pk=photo.inspection_id)
    return stored_file_response(photo.file.open("rb"), filename=photo.original_name, extension=photo.extension,
                                inline=True)


@login_required
def bulletin_page(request):
    today, month, _ = _month_and_unit(request)
    lines = selectors.month_bulletin(request.user, month, today)
    return render(request, "staffing/bulletin.html", {
        "lines": lines, "month": month, "totals": selectors.bulletin_totals(lines)})


@login_required
def bulletin_docx(request):
    from tongban.staffing import bulletin

    today, month, _ = _month_and_unit(request)
    content = bulletin.render(selectors.month_bulletin(request.user, month, today), month, today)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'窗口人员月通报-{month}.docx')}"
    return response


@login_required
def talk_list(request):
    """约谈 and 退回: the records in scope, newest first; the centre records a 约谈 here and opens a 退回."""
    can_add = rules.can_inspect(request.user)
    form = TalkForm(request.POST or None, initial={"held_on": timezone.localdate()})
    choices = _staff_choices(request.user) if can_add else []
    form.fields["staff"].widget.choices = choices
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied
        if form.is_valid():
            staff = get_visible_or_404(Staff.objects.select_related("unit"), request.user, pk=form.cleaned_data["staff"])
            try:
                services.record_talk(staff=staff, held_on=form.cleaned_data["held_on"], reason=form.cleaned_data["reason"],
                                     agreed=form.cleaned_data["agreed"], by=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"已录入约谈，并通报到{staff.unit.name}。")
                return redirect("staffing:talk_list")
    talks = Talk.objects.visible_to(request.user).select_related("staff", "home_unit", "held_by__staff")[:200]
    returns = StaffReturn.objects.visible_to(request.user).select_related("staff", "home_unit", "decided_by__staff")[:200]
    return render(request, "staffing/talk_list.html", {"form": form, "can_add": can_add, "talks": talks,
                                                       "returns": returns, "staff_choices": choices})


@login_required
def staff_return(request, pk: int):
    """退回 one person: their window and open work are listed and handed over first, then the return."""
    if not rules.can_inspect(request.user):
        raise PermissionDenied
    staff = get_visible_or_404(Staff.objects.select_related("unit", "window"), request.user, pk=pk)
    hand_form = HandOverForm(request.POST if "hand_over" in request.POST else None)
    hand_form.fields["to"].widget.choices = [c for c in _staff_choices(request.user) if c[0] != staff.pk]
    return_form = ReturnForm(request.POST if "return" in request.POST else None,
                             initial={"returned_on": timezone.localdate()})
    if request.method == "POST":
        try:
            if "hand_over" in request.POST and hand_form.is_valid():
                to = get_visible_or_404(Staff, request.user, pk=hand_form.cleaned_data["to"])
                done = services.hand_over(staff, to=to, by=request.user)
                messages.success(request, f"已交接给{to.name}：{'、'.join(done) or '没有需要交接的工作'}。")
                return redirect("staffing:staff_return", pk=staff.pk)
            if "return" in request.POST and return_form.is_valid():
                services.return_staff(staff, returned_on=return_form.cleaned_data["returned_on"],
                                      reason=return_form.cleaned_data["reason"], by=request.user)
                messages.success(request, f"已将{staff.name}退回{staff.unit.name}，并通知原单位。")
                return redirect("staffing:talk_list")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(request, "staffing/staff_return.html", {
        "staff": staff, "work": selectors.open_work(staff), "hand_form": hand_form, "return_form": return_form,
        "history": StaffReturn.objects.filter(staff=staff)})
