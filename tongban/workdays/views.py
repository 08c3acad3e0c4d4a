"""The calendar page: a year's months, its holidays, a deadline calculator; import and override for admins.

Views parse, authorise and call `tongban.workdays.services`.
"""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongban.workdays import services
from tongban.workdays.choices import YEAR_STATUS_COLORS, DayKind, DaySource
from tongban.workdays.filtersets import DayFilterSet
from tongban.workdays.forms import CalculatorForm, OverrideForm, ScheduleImportForm
from tongban.workdays.models import FIRST_YEAR, LAST_YEAR, CalendarYear, Day
from tongban.workdays.schedule_file import ImportRejected
from tongban.workdays.selectors import holiday_spans, month_grids

MANAGE = "workdays.manage_calendar"


def _year_from(request, default: int) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or default)
    except ValueError:
        return default
    if not FIRST_YEAR <= year <= LAST_YEAR:
        messages.warning(request, f"工作日历范围为 {FIRST_YEAR}—{LAST_YEAR} 年，已显示 {default} 年。")
        return default
    return year


def _calculate(form: CalculatorForm) -> dict | None:
    """Run the calculator when its form is valid; the answer or the error for the template."""
    if not form.is_bound or not form.is_valid():
        return None
    start, n = form.cleaned_data["start"], form.cleaned_data["n"]
    try:
        result = services.add_workdays(start, n)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None
    years = services.provisional_years(start.year, result.date.year) if result.provisional else []
    return {"start": start, "n": n, "result": result, "day": Day.objects.get(date=result.date), "years": years}


def _page(request, year: int, *, status: int = 200, **extra):
    today = timezone.localdate()
    services.ensure_years(year, year)
    days = list(DayFilterSet({"year": year}, queryset=Day.objects.visible_to(request.user)).qs)
    calculator = extra.pop("calculator", None) or CalculatorForm(
        request.GET if "start" in request.GET else None, initial={"start": today, "n": 20})
    can_manage = request.user.has_perm(MANAGE)
    year_row = CalendarYear.objects.visible_to(request.user).get(year=year)
    context = {
        "year": year,
        "year_row": year_row,
        "status_color": YEAR_STATUS_COLORS[year_row.status],
        "months": month_grids(year, days, today),
        "spans": holiday_spans(days),
        "manual_days": [day for day in days if day.source == DaySource.MANUAL],
        "workday_count": sum(1 for day in days if day.is_workday),
        "holiday_count": sum(1 for day in days if day.kind == DayKind.HOLIDAY),
        "prev_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < LAST_YEAR else None,
        "calculator": calculator,
        "calculation": _calculate(calculator),
        "can_manage": can_manage,
        "import_form": ScheduleImportForm() if can_manage else None,
        "override_form": OverrideForm(initial={"is_workday": "0"}) if can_manage else None,
        **extra,
    }
    return render(request, "workdays/calendar.html", context, status=status)


@login_required
def calendar_page(request):
    return _page(request, _year_from(request, timezone.localdate().year))


@login_required
def calculator(request):
    """The deadline calculator: a partial for htmx, the whole page otherwise."""
    if not request.htmx:
        return calendar_page(request)
    form = CalculatorForm(request.GET)
    return render(request, "workdays/_calculator_result.html", {"calculator": form, "calculation": _calculate(form)})


def _require_manager(request) -> None:
    if not request.user.has_perm(MANAGE):
        raise PermissionDenied


@login_required
@require_POST
def import_schedule(request):
    _require_manager(request)
    year = _year_from(request, timezone.localdate().year)
    form = ScheduleImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, year, import_form=form, status=400)
    try:
        report = services.import_schedule(form.cleaned_data["file"], by=request.user)
    except ImportRejected as rejected:
        return _page(request, year, import_form=form, import_errors=rejected.errors,
                     import_message=rejected.message, status=400)
    except ValidationError as exc:
        form.add_error("file", exc)
        return _page(request, year, import_form=form, status=400)
    messages.success(request, report.summary())
    return redirect(f"{reverse('workdays:calendar')}?year={report.years[0]}")


@login_required
def import_template(request):
    _require_manager(request)
    from tongban.core.import_templates import template_response
    from tongban.workdays.schedule_file import schedule_template

    return template_response(schedule_template(), "节假日安排导入模板.xlsx")


@login_required
@require_POST
def override_day(request):
    _require_manager(request)
    year = _year_from(request, timezone.localdate().year)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            day = services.override_day(form.cleaned_data["date"], is_workday=form.cleaned_data["is_workday"],
                                        holiday_name=form.cleaned_data["holiday_name"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已将 {day.date:%Y-%m-%d}（{day.weekday_name}）设为“{day.label}”。")
            return redirect(f"{reverse('workdays:calendar')}?year={day.date.year}")
    return _page(request, year, override_form=form, status=400)
