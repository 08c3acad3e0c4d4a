"""评优 pages: the kinds and the period's candidates (with why), nomination, the decision, the list of
nominations and honours (FilterSet shared with the API) and its Excel, the eligibility attributes."""
from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from tongban.honours import exporting, rules, selectors, services
from tongban.honours.choices import HONOUR_STATUS_COLORS, HonourStatus, Subject
from tongban.honours.filtersets import HonourFilterSet
from tongban.honours.forms import DecideForm, NominateForm, TraitsForm
from tongban.honours.models import HonourKind, StaffTraits
from tongban.honours.periods import HonourPeriod
from tongban.org.models import Staff, Window
from tongban.org.scopes import get_visible_or_404

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _readable(request) -> None:
    if not rules.can_read(request.user):
        raise PermissionDenied


def _kind_and_period(request, kind: HonourKind) -> HonourPeriod:
    """?period= for the kind (a month or a quarter); the last finished period when absent or unreadable."""
    today = timezone.localdate()
    default = HonourPeriod.of(kind.period, today).previous()
    text = request.GET.get("period") or request.POST.get("period")
    if not text:
        return default
    try:
        return HonourPeriod.parse(text, kind.period)
    except ValueError as exc:
        messages.error(request, f"{exc} 已显示{default.label}。")
        return default


@login_required
def index(request):
    """The kinds with their rules, and the latest honours in scope."""
    _readable(request)
    kinds = list(HonourKind.objects.filter(is_active=True))
    today = timezone.localdate()
    for kind in kinds:
        kind.last_period = HonourPeriod.of(kind.period, today).previous()
    recent = selectors.honours(request.user).order_by("-period_start", "kind__sort_order", "pk")[:20]
    return render(request, "honours/index.html", {
        "kinds": kinds, "recent": recent, "colors": HONOUR_STATUS_COLORS,
        "can_nominate": rules.can_nominate(request.user), "can_decide": rules.can_decide(request.user)})


@login_required
def candidates(request, code: str):
    """The period's candidates of one kind, with the figures and links that explain each; the office nominates."""
    _readable(request)
    kind = get_object_or_404(HonourKind, code=code, is_active=True)
    period = _kind_and_period(request, kind)
    can_nominate = rules.can_nominate(request.user)
    form = NominateForm(request.POST or None)
    if request.method == "POST":
        if not can_nominate:
            raise PermissionDenied
        if form.is_valid():
            model = Window if kind.subject == Subject.WINDOW else Staff
            subject = get_visible_or_404(model, request.user, pk=form.cleaned_data["subject"])
            try:
                honour = services.nominate(kind, period, subject=subject, reason=form.cleaned_data["reason"],
                                           by=request.user)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, f"已提名{honour.subject_name}，待中心领导决定。")
                return redirect(f"{request.path}?period={period.key}")
        else:
            messages.error(request, "请填写提名理由。")
    rows = selectors.candidates(kind, period, request.user)
    return render(request, "honours/candidates.html", {
        "kind": kind, "period": period, "rows": rows, "eligible": sum(1 for r in rows if r.eligible),
        "can_nominate": can_nominate, "previous": period.previous().key, "colors": HONOUR_STATUS_COLORS,
        "next": HonourPeriod.of(kind.period, period.last + timezone.timedelta(days=1)).key})


@login_required
def honour_list(request):
    _readable(request)
    filterset = HonourFilterSet(request.GET or None, queryset=selectors.honours(request.user), request=request)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "honours/list.html", {"filter": filterset, "page": page, "params": params.urlencode(),
                                                 "colors": HONOUR_STATUS_COLORS})


@login_required
def export(request):
    """Excel of the list as filtered (a period's results: ?period=2026-10)."""
    _readable(request)
    filterset = HonourFilterSet(request.GET or None, queryset=selectors.honours(request.user), request=request)
    if filterset.is_bound and not filterset.is_valid():
        messages.error(request, "；".join(filterset.error_list()))
        return redirect("honours:list")
    period = filterset.form.cleaned_data.get("period") if filterset.is_bound else None
    title = f"{period.label if period else '全部'}评优结果"
    content = exporting.results_bytes(filterset.qs.order_by("period_start", "kind__sort_order", "status", "pk"), title)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title + '.xlsx')}"
    return response


@login_required
def detail(request, pk: int):
    honour = get_visible_or_404(selectors.honours(request.user), request.user, pk=pk)
    can_decide = rules.can_decide(request.user) and honour.status == HonourStatus.NOMINATED
    form = DecideForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.decide(honour, award=form.cleaned_data["award"], note=form.cleaned_data["decision_note"],
                                by=request.user)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, "已决定。")
                return redirect(honour.get_absolute_url())
    return render(request, "honours/detail.html", {"honour": honour, "form": form, "can_decide": can_decide,
                                                   "figures": honour.figures or {}, "colors": HONOUR_STATUS_COLORS})


@login_required
def traits(request):
    """评优资格: who is a party member, who is a woman (org keeps neither); the office records them."""
    _readable(request)
    can_edit = rules.can_nominate(request.user)
    form = TraitsForm(request.POST or None)
    people = Staff.objects.visible_to(request.user).filter(is_active=True).select_related("unit")
    form.fields["staff"].widget.choices = [(s.pk, f"{s.name}（{s.unit.name}）") for s in people.order_by("unit__path")]
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            staff = get_visible_or_404(Staff, request.user, pk=form.cleaned_data["staff"])
            services.set_traits(staff, party_member=form.cleaned_data["party_member"],
                                female=form.cleaned_data["female"], by=request.user)
            messages.success(request, f"已登记{staff.name}的评优资格。")
            return redirect("honours:traits")
    rows = StaffTraits.objects.visible_to(request.user).select_related("staff__unit").order_by("staff__unit__path")
    return render(request, "honours/traits.html", {"form": form, "rows": rows, "can_edit": can_edit})

