"""Catalogue pages for staff. Views parse, authorise (rules) and call services; every queryset goes
through the scope layer and every lookup by id through `get_visible_or_404`."""
from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook
from openpyxl.styles import Font

from tongban.catalog import services
from tongban.catalog.bundles import bundle_guide, bundle_guides
from tongban.core.paging import keyset_page
from tongban.catalog.consistency import consistency_report
from tongban.catalog.filtersets import (
    BundleFilterSet,
    DelegationFilterSet,
    IntermediaryFilterSet,
    NegativeListFilterSet,
    ServiceItemFilterSet,
)
from tongban.catalog.forms import DelegateForm, FilingForm, NegativeEntryForm, ServiceItemForm, StatusForm
from tongban.catalog.models import (
    Bundle,
    CatalogSettings,
    Delegation,
    FilingDocument,
    Intermediary,
    NegativeListEntry,
    ServiceItem,
    TownshipListEntry,
)
from tongban.core.files import stored_file_response
from tongban.documents.excel import append_row
from tongban.org.forms import ImportForm
from tongban.org.models import Unit
from tongban.org.scopes import get_visible_or_404
from tongban.org.views import _edit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(request, filterset):
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def _xlsx_response(content: bytes, filename_quoted: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename_quoted}"
    return response


# --- items ---------------------------------------------------------------------------------------

@login_required
def item_list(request):
    queryset = ServiceItem.objects.visible_to(request.user).select_related("implementing_unit")
    filterset = ServiceItemFilterSet(request.GET or None, queryset=queryset)
    page, params = _page(request, filterset)
    return render(request, "catalog/item_list.html", {"filter": filterset, "page": page, "params": params})


@login_required
def item_detail(request, pk: int):
    item = get_visible_or_404(
        ServiceItem.objects.select_related("implementing_unit", "competent_department", "result_identity"),
        request.user, pk=pk,
    )
    form, done = _edit(request, item, ServiceItemForm, services.update_item, "catalog.change_item")
    if done:
        return done
    context = {
        "item": item,
        "form": form,
        "materials": item.materials.select_related("identity"),
        "form_fields": item.form_fields.select_related("element"),
        "steps": item.steps.all(),
        "special_steps": item.special_steps.all(),
        "delegations": item.delegations.visible_to(request.user).select_related("township"),
        "bundles": Bundle.objects.visible_to(request.user).filter(nodes__item=item).distinct(),
        "intermediary_services": item.intermediary_services.prefetch_related("agencies"),
        "same_code": ServiceItem.objects.visible_to(request.user).filter(basic_code=item.basic_code).exclude(pk=item.pk)
        .select_related("implementing_unit"),
    }
    return render(request, "catalog/item_detail.html", context)


@login_required
def consistency(request):
    report = consistency_report(ServiceItem.objects.visible_to(request.user))
    settings = CatalogSettings.load()
    from tongban.catalog.choices import ConsistencyElement

    labels = dict(ConsistencyElement.choices)
    return render(request, "catalog/consistency.html", {
        "report": report, "elements": [labels[e] for e in settings.consistency_elements if e in labels],
    })


# --- bundles -------------------------------------------------------------------------------------

@login_required
def bundle_list(request):
    """A keyset page of bundles, their guides built together (a fixed number of queries per page)."""
    filterset = BundleFilterSet(request.GET or None, queryset=Bundle.objects.visible_to(request.user))
    page = keyset_page(filterset.qs, ("audience", "sort_order", "slug"), request.GET.get("cursor"))
    page.count = filterset.qs.count()
    guides = bundle_guides(page.object_list)
    rows = []
    for bundle in page:
        guide = guides[bundle.pk]
        if isinstance(guide, ValidationError):
            rows.append((bundle, None, guide.messages[0]))
        else:
            rows.append((bundle, guide.figures, ""))
    params = request.GET.copy()
    params.pop("cursor", None)
    return render(request, "catalog/bundle_list.html", {"filter": filterset, "rows": rows, "page": page,
                                                        "params": params.urlencode()})


@login_required
def bundle_detail(request, slug: str):
    bundle = get_visible_or_404(Bundle, request.user, slug=slug)
    try:
        guide = bundle_guide(bundle)
    except ValidationError as exc:
        return render(request, "catalog/bundle_detail.html", {"bundle": bundle, "error": exc.messages[0]})
    return render(request, "catalog/bundle_detail.html", {"bundle": bundle, "guide": guide})


# --- delegation (县镇同权) -------------------------------------------------------------------------

@login_required
def delegation(request):
    queryset = Delegation.objects.visible_to(request.user).select_related("item", "township")
    filterset = DelegationFilterSet(request.GET or None, queryset=queryset)
    page, params = _page(request, filterset)
    form = None
    if request.user.has_perm("catalog.manage_catalog"):
        form = DelegateForm(request.POST or None, user=request.user, initial={"delegated_on": timezone.localdate()})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                result = services.delegate_item(
                    data["item"], to=None if data["all_townships"] else data["townships"], mode=data["mode"],
                    basis=data["basis"], on=data["delegated_on"], by=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"已下放：新增 {result.created} 个乡镇，恢复 {result.restored} 个，原有 {result.unchanged} 个。")
                return redirect("catalog:delegation")
    elif request.method == "POST":
        raise PermissionDenied
    towns = Unit.objects.visible_to(request.user).filter(kind__code=services.TOWNSHIP_KIND)
    list_names = list(TownshipListEntry.objects.values_list("list_name", flat=True).distinct())
    list_name = request.GET.get("list") or (list_names[0] if list_names else "")
    missing = services.missing_from_township_list(list_name, towns) if list_name else []
    return render(request, "catalog/delegation.html", {
        "filter": filterset, "page": page, "params": params, "form": form, "townships": towns,
        "list_names": list_names, "list_name": list_name, "missing": missing,
    })


@login_required
def township_catalogue(request, pk: int):
    """A township's items: its own, plus county items delegated to it. A delegated county item is out of
    a township admin's scope, so it is shown without a staff link (the public guide link when published)."""
    township = get_visible_or_404(Unit.objects.filter(kind__code=services.TOWNSHIP_KIND), request.user, pk=pk)
    in_scope = ServiceItem.objects.visible_to(request.user).filter(pk=OuterRef("pk"))
    items = (
        services.township_catalogue(township).annotate(in_scope=Exists(in_scope))
        .select_related("implementing_unit").order_by("name")
    )
    return render(request, "catalog/township_catalogue.html", {"township": township, "items": items})


@login_required
@require_POST
def revoke_delegation(request, pk: int):
    delegation = get_visible_or_404(Delegation, request.user, pk=pk)
    if not request.user.has_perm("catalog.manage_catalog"):
        raise PermissionDenied
    try:
        services.revoke_delegation(delegation, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "已撤销下放。")
    return redirect("catalog:delegation")


# --- intermediaries ------------------------------------------------------------------------------

@login_required
def intermediary_list(request):
    queryset = Intermediary.objects.visible_to(request.user).prefetch_related("qualifications")
    filterset = IntermediaryFilterSet(request.GET or None, queryset=queryset)
    page, params = _page(request, filterset)
    days = CatalogSettings.load().qualification_warning_days
    warning = services.expiring_qualifications(timezone.localdate(), days).visible_to(request.user)
    return render(request, "catalog/intermediary_list.html", {
        "filter": filterset, "page": page, "params": params, "expiring": warning, "warning_days": days,
    })


@login_required
def intermediary_detail(request, pk: int):
    agency = get_visible_or_404(Intermediary.objects.select_related("supervising_unit"), request.user, pk=pk)
    can_manage = request.user.has_perm("catalog.manage_intermediaries")
    status_form = StatusForm(prefix="status", initial={"expected_version": agency.version})
    filing_form = FilingForm(prefix="filing")
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            if "status-status" in request.POST:
                status_form = StatusForm(request.POST, prefix="status")
                if status_form.is_valid():
                    data = status_form.cleaned_data
                    services.change_intermediary_status(
                        agency, status=data["status"], reason=data["reason"], deadline=data["deadline"],
                        expected_version=data["expected_version"], by=request.user,
                    )
                    messages.success(request, "状态已变更。")
                    return redirect(agency.get_absolute_url())
            else:
                filing_form = FilingForm(request.POST, request.FILES, prefix="filing")
                if filing_form.is_valid():
                    services.add_filing(agency, title=filing_form.cleaned_data["title"],
                                        upload=filing_form.cleaned_data["file"], by=request.user)
                    messages.success(request, "备案材料已上传。")
                    return redirect(agency.get_absolute_url())
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
    return render(request, "catalog/intermediary_detail.html", {
        "agency": agency, "can_manage": can_manage, "status_form": status_form, "filing_form": filing_form,
        "qualifications": agency.qualifications.all(), "filings": agency.filings.select_related("uploaded_by"),
        "services": agency.services.visible_to(request.user).select_related("item"), "today": timezone.localdate(),
    })


@login_required
def filing_download(request, pk: int):
    filing = get_visible_or_404(FilingDocument, request.user, pk=pk)
    return stored_file_response(filing.file.open("rb"), filename=filing.original_name,
                                inline=bool(request.GET.get("inline")))


# --- negative list (负面清单) ----------------------------------------------------------------------

def _negative_queryset(request):
    queryset = NegativeListEntry.objects.visible_to(request.user).select_related("unit", "item")
    return NegativeListFilterSet(request.GET or None, queryset=queryset)


@login_required
def negative_list(request):
    filterset = _negative_queryset(request)
    can_manage = request.user.has_perm("catalog.manage_negative_list")
    form = NegativeEntryForm(request.POST or None, user=request.user) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if request.POST.get("action") == "sync":
            result = services.sync_negative_list(by=request.user)
            messages.success(request, f"已按目录同步：新增 {result.created} 条，整改到位 {result.resolved} 条，重新打开 {result.reopened} 条。")
            return redirect("catalog:negative_list")
        if form.is_valid():
            services.create_negative_entry(by=request.user, **form.cleaned_data)
            messages.success(request, "已添加负面清单条目。")
            return redirect("catalog:negative_list")
    entries = list(filterset.qs)
    by_unit: dict = {}
    for entry in entries:
        by_unit.setdefault(entry.unit, []).append(entry)
    return render(request, "catalog/negative_list.html", {
        "filter": filterset, "by_unit": by_unit, "count": len(entries), "form": form, "can_manage": can_manage,
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def resolve_negative(request, pk: int):
    entry = get_visible_or_404(NegativeListEntry, request.user, pk=pk)
    if not request.user.has_perm("catalog.manage_negative_list"):
        raise PermissionDenied
    services.resolve_negative_entry(entry, by=request.user)
    messages.success(request, "已标记为整改到位。")
    return redirect("catalog:negative_list")


@login_required
def negative_export(request):
    book = Workbook()
    sheet = book.active
    sheet.title = "负面清单"
    sheet.append(["序号", "单位", "事项", "问题类型", "来源", "情况说明", "整改期限", "状态", "整改完成日期"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, e in enumerate(_negative_queryset(request).qs, start=1):
        append_row(sheet, [
            number, e.unit.name, e.item.name if e.item else "", e.get_reason_display(), e.get_source_display(),
            e.description, e.rectify_deadline, "已整改" if e.is_resolved else "整改中", e.resolved_on,
        ])
    for letter, width in zip("ABCDEFGHI", (6, 24, 36, 26, 10, 40, 12, 8, 12)):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return _xlsx_response(buffer.getvalue(), "%E8%B4%9F%E9%9D%A2%E6%B8%85%E5%8D%95.xlsx")


# --- import / export -----------------------------------------------------------------------------

CATALOG_IMPORT = "catalog.workbook"


@login_required
def import_page(request):
    """Upload a catalogue workbook: all or nothing; checked first (只检查), it waits for the confirm,
    where the user may take the file's values for conflicts with what was edited in tongban."""
    if not request.user.has_perm("catalog.manage_catalog"):
        raise PermissionDenied
    from tongban.catalog import excel
    from tongban.core.import_views import workbook_import
    from tongban.core.uploads import check_workbook_upload

    def run(source, *, name, dry_run, take):
        if not isinstance(source, str):
            try:
                check_workbook_upload(source)
            except ValidationError as exc:
                raise excel.ImportRejected([{"sheet": "", "row": "", "column": "", "message": exc.messages[0]}])
        return excel.import_workbook(source, name=name, dry_run=dry_run, by=request.user, take_file_values=take)

    form = ImportForm(request.POST or None, request.FILES or None)
    context = workbook_import(request, form, kind=CATALOG_IMPORT, run=run, rejected=excel.ImportRejected)
    return render(request, "catalog/import.html", context)


@login_required
def import_template(request):
    if not request.user.has_perm("catalog.manage_catalog"):
        raise PermissionDenied
    from tongban.catalog.excel import catalog_template
    from tongban.core.import_templates import template_response

    return template_response(catalog_template(), "事项目录导入模板.xlsx")


@login_required
def export_workbook(request):
    from tongban.catalog import excel

    from tongban.documents import exports

    # Written during the request up to EXPORT_ASYNC_ROWS items, by the worker with a progress bar above.
    return exports.respond(request, kind="catalog.items", title="事项目录", file_name="事项目录.xlsx", params={},
                           rows=ServiceItem.objects.visible_to(request.user).count())

