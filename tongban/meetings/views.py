"""Pages of 领导坐班 and the coordination meetings. They parse, authorise and call the services; a form that
fails comes back with its input and a Chinese message, never a 500."""
from __future__ import annotations

from datetime import date
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from tongban.core.months import month_or_default
from tongban.meetings import printing, selectors, services
from tongban.meetings.choices import MeetingStatus, ReferralStatus
from tongban.meetings.forms import (
    AnswerForm,
    AttendanceForm,
    DutyDecisionForm,
    DutyForm,
    MeetingDecisionForm,
    MeetingForm,
    MinutesForm,
    ReferralForm,
)
from tongban.meetings.models import DutyRota, Meeting, Referral
from tongban.org.models import Unit
from tongban.org.scopes import get_visible_or_404, scope_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _month(request) -> tuple[date, str]:
    """The month asked for (?month=2026-11), or this month with a message when the value is not a month."""
    month, error = month_or_default(request.GET.get("month"), timezone.localdate())
    return month, f"{error}已显示本月。" if error else ""


def _try(form, call) -> bool:
    """Run a service call; its ValidationError becomes the form's message (the input stays)."""
    try:
        call()
    except ValidationError as exc:
        form.add_error(None, "；".join(exc.messages))
        return False
    return True


# --- 领导坐班 ------------------------------------------------------------------------------------------

@login_required
def duty_list(request):
    _require(request, "meetings.view_duty")
    month, warning = _month(request)
    if warning:
        messages.warning(request, warning)
    first, following = selectors.month_bounds(month)
    duties = DutyRota.objects.visible_to(request.user)
    form = DutyForm(user=request.user)
    if request.method == "POST":
        _require(request, "meetings.manage_duty")
        form = DutyForm(request.POST, user=request.user)
        if form.is_valid() and _try(form, lambda: services.schedule_duty(by=request.user, **form.cleaned_data)):
            messages.success(request, "已安排坐班，并通知了坐班领导。")
            return redirect(f"{request.path}?month={form.cleaned_data['duty_date']:%Y-%m}")
    rota = (duties.filter(duty_date__gte=first, duty_date__lt=following).select_related("leader", "unit")
            .annotate(decision_count=Count("decisions")).order_by("duty_date", "leader__name"))
    previous = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    return render(request, "meetings/duty_list.html", {
        "rota": rota, "form": form, "month": first, "previous": previous, "following": following,
        "stats": selectors.monthly_statistics(duties, first), "scope": scope_for(request.user),
        "today": timezone.localdate(),
    })


@login_required
def duty_detail(request, pk: int):
    duty = get_visible_or_404(DutyRota.objects.select_related("leader", "unit"), request.user, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    decision_form = DutyDecisionForm(user=request.user, initial={"unit": duty.unit_id})
    attendance_form = AttendanceForm(initial={"attendance": duty.attendance})
    referral_form = ReferralForm(user=request.user, initial={"unit": duty.unit_id})
    if action == "decide":
        _require(request, "meetings.decide_on_duty", duty)
        decision_form = DutyDecisionForm(request.POST, user=request.user)
        if decision_form.is_valid() and _try(decision_form, lambda: services.record_duty_decision(
                duty, by=request.user, **decision_form.cleaned_data)):
            messages.success(request, "已记录坐班决定。")
            return redirect(duty)
    elif action == "attendance":
        _require(request, "meetings.manage_duty")
        attendance_form = AttendanceForm(request.POST)
        if attendance_form.is_valid() and _try(attendance_form, lambda: services.record_attendance(
                duty, by=request.user, **attendance_form.cleaned_data)):
            messages.success(request, "已登记到岗情况。")
            return redirect(duty)
    elif action == "refer":
        _require(request, "meetings.send_referral")
        referral_form = ReferralForm(request.POST, user=request.user)
        if referral_form.is_valid() and _try(referral_form, lambda: services.send_referral(
                duty=duty, by=request.user, **referral_form.cleaned_data)):
            messages.success(request, "已发送给派出单位领导，答复后会通知您。")
            return redirect(duty)
    elif action is not None:
        messages.error(request, "未知的操作，请刷新页面后重试。")
    sheet = selectors.duty_sheet(duty, reader=request.user)
    return render(request, "meetings/duty_detail.html", {
        "duty": duty, "sheet": sheet, "rows": sheet.rows(),
        "decisions": duty.decisions.select_related("unit", "owner", "measure"),
        "referrals": duty.referrals.select_related("unit", "leader"),
        "decision_form": decision_form, "attendance_form": attendance_form, "referral_form": referral_form,
        "can_decide": request.user.has_perm("meetings.decide_on_duty", duty),
    })


@login_required
def duty_sheet_docx(request, pk: int):
    duty = get_visible_or_404(DutyRota.objects.select_related("leader", "unit"), request.user, pk=pk)
    sheet = selectors.duty_sheet(duty, reader=request.user)
    return _download(printing.sheet_document(duty, sheet), printing.sheet_file_name(duty))


# --- 问题互通 ------------------------------------------------------------------------------------------

@login_required
def referral_list(request):
    _require(request, "meetings.view_duty")
    form = ReferralForm(user=request.user)
    if request.method == "POST":
        _require(request, "meetings.send_referral")
        form = ReferralForm(request.POST, user=request.user)
        if form.is_valid() and _try(form, lambda: services.send_referral(by=request.user, **form.cleaned_data)):
            messages.success(request, "已发送给派出单位领导，答复后会通知您。")
            return redirect("meetings:referral_list")
    status = request.GET.get("status", "")
    referrals = Referral.objects.visible_to(request.user).select_related("unit", "leader")
    if status in ReferralStatus.values:
        referrals = referrals.filter(status=status)
    return render(request, "meetings/referral_list.html", {
        "referrals": referrals[:500], "form": form, "status": status, "statuses": ReferralStatus.choices,
    })


@login_required
def referral_detail(request, pk: int):
    referral = get_visible_or_404(Referral.objects.select_related("unit", "leader", "duty"), request.user, pk=pk)
    form = AnswerForm()
    if request.method == "POST":
        _require(request, "meetings.answer_referral", referral)
        form = AnswerForm(request.POST)
        if form.is_valid() and _try(form, lambda: services.answer_referral(
                referral, answer=form.cleaned_data["answer"], by=request.user)):
            messages.success(request, "已答复，中心会收到通知。")
            return redirect(referral)
    return render(request, "meetings/referral_detail.html", {
        "referral": referral, "form": form,
        "can_answer": referral.status == ReferralStatus.WAITING
        and request.user.has_perm("meetings.answer_referral", referral),
    })


# --- 协调会议 ------------------------------------------------------------------------------------------

@login_required
def meeting_list(request):
    _require(request, "meetings.view_meetings")
    form = MeetingForm(user=request.user)
    if request.method == "POST":
        _require(request, "meetings.manage_meetings")
        form = MeetingForm(request.POST, user=request.user)
        if form.is_valid():
            organiser = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
            created = []
            if _try(form, lambda: created.append(services.schedule_meeting(
                    organiser=organiser, by=request.user, **form.cleaned_data))):
                messages.success(request, "已安排会议，并通知了参会人员。")
                return redirect(created[0])
    meetings = (Meeting.objects.visible_to(request.user).select_related("chair")
                .annotate(decision_count=Count("decisions", distinct=True),
                          open_count=Count("decisions", distinct=True,
                                           filter=~Q(decisions__measure__status="verified"))))
    return render(request, "meetings/meeting_list.html", {"meetings": meetings[:200], "form": form})


@login_required
def meeting_detail(request, pk: int):
    meeting = get_visible_or_404(Meeting.objects.select_related("chair", "organiser"), request.user, pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    minutes_form = MinutesForm(initial={"minutes": meeting.minutes, "version": meeting.version})
    decision_form = MeetingDecisionForm(user=request.user)
    if action:
        _require(request, "meetings.manage_meetings")
    if action == "minutes":
        minutes_form = MinutesForm(request.POST)
        if minutes_form.is_valid() and _try(minutes_form, lambda: services.record_minutes(
                meeting, minutes=minutes_form.cleaned_data["minutes"],
                expected_version=minutes_form.cleaned_data["version"], by=request.user)):
            messages.success(request, "已保存会议纪要。")
            return redirect(meeting)
    elif action == "decide":
        decision_form = MeetingDecisionForm(request.POST, user=request.user)
        if decision_form.is_valid() and _try(decision_form, lambda: services.add_meeting_decision(
                meeting, by=request.user, **decision_form.cleaned_data)):
            messages.success(request, "已添加议定事项，并生成整改措施纳入整改台账。")
            return redirect(meeting)
    elif action == "issue":
        try:
            services.issue_minutes(meeting, by=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "会议纪要已印发，参会人员已收到通知。")
        return redirect(meeting)
    elif action is not None:
        messages.error(request, "未知的操作，请刷新页面后重试。")
    agenda = selectors.agenda(meeting, reader=request.user)
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting, "agenda": agenda, "rows": agenda.sheet.rows(),
        "decisions": meeting.decisions.select_related("unit", "owner", "measure"),
        "units": meeting.units.all(), "attendees": meeting.attendees.select_related("unit"),
        "minutes_form": minutes_form, "decision_form": decision_form,
        "editable": meeting.status != MeetingStatus.ISSUED and request.user.has_perm("meetings.manage_meetings"),
        "held": meeting.held_on <= timezone.localdate(),
    })


@login_required
def meeting_minutes_docx(request, pk: int):
    meeting = get_visible_or_404(Meeting, request.user, pk=pk)
    agenda = selectors.agenda(meeting, reader=request.user)
    return _download(printing.minutes_document(meeting, agenda), printing.minutes_file_name(meeting))
