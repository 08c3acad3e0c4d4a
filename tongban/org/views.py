"""Org pages: the unit tree, units, windows and staff. Views parse, authorise and call services."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tongban.org import personal, services
from tongban.org.filtersets import StaffFilterSet, WindowFilterSet
from tongban.org.forms import ImportForm, StaffForm, UnitForm, WindowForm
from tongban.org.models import Staff, Unit, Window
from tongban.org.scopes import get_visible_or_404, scope_for


def _tree(units: list[Unit]) -> list[dict]:
    """Nest a path-ordered list of units; a unit whose parent is out of scope becomes a root."""
    nodes = {unit.pk: {"unit": unit, "children": []} for unit in units}
    roots = []
    for unit in units:
        parent = nodes.get(unit.parent_id)
        (parent["children"] if parent else roots).append(nodes[unit.pk])
    return roots


@login_required
def tree(request):
    units = list(Unit.objects.visible_to(request.user).select_related("kind").order_by("path"))
    return render(request, "org/tree.html", {"roots": _tree(units), "total": len(units), "scope": scope_for(request.user)})


def _edit(request, obj, form_class, update, perm: str, **form_kwargs):
    """Shared edit handling: permission, versioned save, Chinese error on a stale version."""
    can_edit = request.user.has_perm(perm, obj)
    form = None
    if can_edit:
        form = form_class(request.POST or None, instance=obj, **form_kwargs)
        if request.method == "POST" and form.is_valid():
            try:
                update(obj, expected_version=form.cleaned_data["expected_version"], by=request.user, **form.changes())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "已保存。")
                return None, redirect(obj.get_absolute_url())
    elif request.method == "POST":
        raise PermissionDenied
    return form, None


@login_required
def unit_detail(request, pk: int):
    unit = get_visible_or_404(Unit.objects.select_related("kind", "parent"), request.user, pk=pk)
    form, done = _edit(request, unit, UnitForm, services.update_unit, "org.change_unit")
    if done:
        return done
    context = {
        "unit": unit,
        "form": form,
        "ancestors": unit.ancestors().visible_to(request.user),
        "children": unit.children.visible_to(request.user).select_related("kind"),
        "windows": unit.windows.visible_to(request.user),
        "staff": unit.staff.visible_to(request.user).select_related("window"),
        "leaders": unit.leaders_in_charge.visible_to(request.user),
    }
    return render(request, "org/unit_detail.html", context)


def _list(request, queryset, filterset_class, template: str, **extra):
    filterset = filterset_class(request.GET or None, queryset=queryset.visible_to(request.user))
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, template, {"filter": filterset, "page": page, "params": params.urlencode(), **extra})


@login_required
def window_list(request):
    return _list(request, Window.objects.select_related("unit"), WindowFilterSet, "org/window_list.html")


@login_required
def window_detail(request, pk: int):
    window = get_visible_or_404(Window.objects.select_related("unit"), request.user, pk=pk)
    form, done = _edit(request, window, WindowForm, services.update_window, "org.change_window")
    if done:
        return done
    staff = window.staff.visible_to(request.user).select_related("unit")
    return render(request, "org/window_detail.html", {"window": window, "form": form, "staff": staff})


@login_required
def staff_list(request):
    return _list(request, Staff.objects.select_related("unit", "window", "user"), StaffFilterSet, "org/staff_list.html")


@login_required
def staff_detail(request, pk: int):
    staff = get_visible_or_404(Staff.objects.select_related("unit", "window", "user"), request.user, pk=pk)
    form, done = _edit(request, staff, StaffForm, services.update_staff, "org.change_staff", user=request.user)
    if done:
        return done
    in_charge = staff.units_in_charge.visible_to(request.user)
    phone_whole = staff.pk in personal.managed_ids(request.user, [staff])
    if phone_whole:
        personal.record_phones_seen(request.user, [staff])
    return render(request, "org/staff_detail.html", {"staff": staff, "form": form, "in_charge": in_charge,
                                                     "phone_whole": phone_whole})


@login_required
def import_page(request):
    """Upload a workbook of units, windows and staff; all-or-nothing with row-numbered errors."""
    if not request.user.has_perm("org.manage_org"):
        raise PermissionDenied
    from tongban.org import excel

    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            report = excel.import_org_upload(form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"], by=request.user)
        except excel.ImportRejected as rejected:
            errors = rejected.errors
            messages.error(request, rejected.message)
        else:
            messages.success(request, report.summary())
    return render(request, "org/import.html", {"form": form, "report": report, "errors": errors})


@login_required
def export_workbook(request):
    if not request.user.has_perm("org.manage_org"):
        raise PermissionDenied
    from tongban.org import excel

    content = excel.export_org_bytes(user=request.user)
    personal.record_phones_seen(request.user, Staff.objects.visible_to(request.user).exclude(phone=""))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E7%BB%84%E7%BB%87%E6%9C%BA%E6%9E%84.xlsx"
    return response
