"""The supervisor's pages: the morning check (值班查看) and the dashboards (监察分析) with the monthly bulletin's
download. Every figure comes from `reports` in the reader's scope (a township admin sees their township)."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tongban.core.months import month_or_default
from tongban.org.scopes import scope_for
from tongban.supervision import bulletin, reports
from tongban.supervision import selectors as engine
from tongban.terminals import selectors as terminals

SHOWN = 100
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _require_reader(request) -> None:
    if not request.user.has_perm("cases.view_cases"):
        raise PermissionDenied


@login_required
def duty(request):
    _require_reader(request)
    today = timezone.localdate()
    due_soon = reports.due_soon_cases(request.user, today)
    overdue = reports.overdue_cases(request.user, today)
    overdue_rows = list(overdue[:SHOWN])
    cards = engine.cards_of_cases(c.pk for c in overdue_rows)
    for case in overdue_rows:
        case.card = cards.get(case.pk, "")
    waiting = engine.orders_waiting(request.user)
    return render(request, "supervision/duty.html", {
        "today": today, "scope": scope_for(request.user),
        "sites": reports.today_by_site(request.user, today),
        "due_soon": list(due_soon[:SHOWN]), "due_soon_count": due_soon.count(),
        "overdue": overdue_rows, "overdue_count": overdue.count(),
        "orders_waiting": list(waiting[:SHOWN]), "orders_waiting_count": waiting.count(),
        "faults": list(terminals.open_faults(request.user)),
        "shown": SHOWN,
    })


def _month(request, today) -> reports.Month:
    first, error = month_or_default(request.GET.get("month"), today)
    if error:
        messages.error(request, f"{error}已显示本月。")
    return reports.Month.of(first)


@login_required
def dashboard(request):
    _require_reader(request)
    today = timezone.localdate()
    month = _month(request, today)
    as_of = month.as_of(today)
    figures = reports.month_figures(request.user, month, today)
    charts = {
        "by_unit": figures["by_unit"],
        "by_month": reports.on_time_by_month(request.user, month),
        "trend": reports.overdue_trend(request.user, as_of),
        "heat": reports.unit_week_heat(request.user, as_of),
    }
    return render(request, "supervision/dashboard.html", {
        "month": month, "today": today, "figures": figures, "charts": charts, "scope": scope_for(request.user),
        "previous": month.previous(), "next": reports.Month.of(month.last + timedelta(days=1))
        if month.last < today else None,
        "may_download": scope_for(request.user).everything, "shown": SHOWN, "shown_slice": f":{SHOWN}",
        "stored": bulletin.stored_path(month).is_file(),
    })


@login_required
def bulletin_download(request):
    """The month's 电子监察月通报: the stored one when the job has published it, else generated now (not kept).
    County-wide figures: county-wide readers only (as the rectification bulletin)."""
    _require_reader(request)
    if not scope_for(request.user).everything:
        raise PermissionDenied
    today = timezone.localdate()
    month = _month(request, today)
    disposition = f"attachment; filename*=UTF-8''{quote(bulletin.file_name(month))}"
    path = bulletin.stored_path(month)
    if path.is_file():
        response = FileResponse(path.open("rb"), content_type=DOCX)
    else:
        response = HttpResponse(bulletin.render(bulletin.bulletin_report(month, today)), content_type=DOCX)
    response["Content-Disposition"] = disposition
    return response
