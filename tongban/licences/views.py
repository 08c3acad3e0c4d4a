"""电子证照 pages: the list and a licence's page (staff), the case's 免提交 choice at intake, the import, sealed
documents; and the two public pages: a licence's verification (the QR code's target) and the check of an
uploaded sealed PDF."""
from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.core.paging import keyset_page
from tongban.core.text import parse_int
from tongban.licences import selectors, services
from tongban.licences.choices import STATUS_BADGE
from tongban.licences.forms import ImportForm, RevokeForm, VerifyUploadForm
from tongban.licences.models import Licence, SealedDocument, SealRequest
from tongban.org.scopes import get_visible_or_404, scope_for

IMPORT_KIND = "licences"


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


@login_required
def licence_list(request):
    _require(request, "licences.view_licences")
    filterset = selectors.listed_licences(request.user, request.GET)
    rows = filterset.qs if filterset.is_valid() else Licence.objects.none()
    page = keyset_page(rows, ["-pk"], request.GET.get("cursor"))
    return render(request, "licences/list.html", {"filterset": filterset, "page": page, "badges": STATUS_BADGE,
                                                  "scope": scope_for(request.user)})


@login_required
def licence_detail(request, pk: int, form=None, status: int = 200):
    licence = get_visible_or_404(Licence.objects.select_related("kind", "unit", "case", "replaced_by"), request.user, pk=pk)
    uses = licence.uses.select_related("case", "material").order_by("-used_at")[:50]
    waiting = licence.seal_requests.filter(sealed_at__isnull=True).first() if not licence.document else None
    return render(request, "licences/detail.html", {
        "licence": licence, "uses": uses, "badge": STATUS_BADGE.get(licence.status), "waiting": waiting,
        "form": form or RevokeForm(), "can_revoke": request.user.has_perm("licences.revoke_licence", licence),
        "can_seal": request.user.has_perm("licences.seal_documents"), "revocable": ("valid", "expired"),
    }, status=status)


@login_required
@require_POST
def revoke(request, pk: int):
    licence = get_visible_or_404(Licence, request.user, pk=pk)
    _require(request, "licences.revoke_licence", licence)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.revoke(licence, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, "已注销该电子证照。")
            return redirect(licence.get_absolute_url())
    return licence_detail(request, pk, form=form, status=400)


@login_required
@require_POST
def seal_licence(request, pk: int):
    licence = get_visible_or_404(Licence, request.user, pk=pk)
    _require(request, "licences.seal_documents")
    try:
        services.seal_licence(licence, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "已生成签章 PDF。")
    return redirect(licence.get_absolute_url())


@login_required
def licence_document(request, pk: int):
    licence = get_visible_or_404(Licence, request.user, pk=pk)
    if not licence.document:
        raise Http404("该证照还没有签章文件。")
    response = FileResponse(licence.document.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(licence.number)}.pdf"
    return response


def _case(request, number: str):
    from tongban.cases.models import Case

    return get_visible_or_404(Case.objects.select_related("intake_window", "intake_unit"), request.user, number=number)


@login_required
def case_licences(request, number: str):
    """免提交 at intake: the materials that accept a licence, each with the applicant's own valid licences of
    that kind; the clerk ticks one (or none) per material."""
    case = _case(request, number)
    can_use = request.user.has_perm("licences.use_licences", case) and selectors.can_use_now(case)
    error, status = "", 200
    if request.method == "POST":
        if not can_use:
            raise PermissionDenied
        offers = selectors.offers_for_case(case)
        choices = {}
        for offer in offers:
            raw = request.POST.get(f"material-{offer.material.pk}", "")
            choices[offer.material.pk] = parse_int(raw, min=1)
        try:
            services.use_licences(case, choices, by=request.user)
        except ValidationError as exc:
            error, status = exc.messages[0], 400
        else:
            messages.success(request, "已记录电子证照免提交。")
            return redirect(request.path)
    offers = selectors.offers_for_case(case)
    sealed = SealedDocument.objects.filter(case=case).order_by("-pk")[:20]
    waiting = list(SealRequest.objects.filter(case=case, sealed_at__isnull=True).select_related("licence"))
    from tongban.cases import notices

    return render(request, "licences/case.html", {
        "case": case, "offers": offers, "can_use": can_use, "error": error, "sealed": sealed, "waiting": waiting,
        "notices": notices.available(case) if request.user.has_perm("cases.reveal_personal_data", case) else [],
        "can_seal": request.user.has_perm("cases.reveal_personal_data", case),
    }, status=status)


@login_required
@require_POST
def intake_offers(request):
    """htmx, from 收件登记 when the applicant's ID number changes: the same fragment the page renders
    (`{% intake_licence_offers %}`), for the clerk at an intake window only. Posted (the ID number stays out
    of URLs and logs), each lookup recorded as a personal-data lookup and limited per clerk an hour."""
    from tongban.cases.services import intake
    from tongban.catalog.models import Bundle, ServiceItem

    if not intake.intake_windows_for(request.user):
        raise PermissionDenied
    what = {}
    for key, model in (("bundle", Bundle), ("item", ServiceItem)):
        pk = parse_int(request.POST.get(key), min=1)
        if pk is not None and not what:
            found = model.objects.filter(pk=pk).first()
            if found is not None:
                what = {"item": None, "bundle": None, key: found}
    if not what:
        raise Http404("请先选择申请事项。")
    holder = request.POST.get("id_number", "").strip()[:40]
    if holder:
        limit = services.holder_lookup_limit()
        if selectors.holder_lookups_within_hour(request.user) >= limit:
            return render(request, "licences/_intake_offers_limited.html", {"limit": limit})
        services.record_holder_lookup(holder, by=request.user)
    materials = [m for m in intake.checklist_for(**what) if m["is_electronic_licence"] and not m["produced"]]
    chosen = {m["identity"].code: parse_int(request.POST.get(f"l_{m['identity'].code}"), min=1) for m in materials}
    return render(request, "licences/_intake_offers.html",
                  {"offers": selectors.offers_at_intake(materials, holder, chosen), "holder": holder, "errors": []})


@login_required
@require_POST
def seal_notice(request, number: str, kind: str):
    from tongban.cases import notices

    case = _case(request, number)
    _require(request, "cases.reveal_personal_data", case)
    spec = notices.NOTICES.get(kind)
    if spec is None or not spec.applies(case):
        raise Http404("该办件没有这份文书。")
    try:
        services.seal_notice(case, kind, by=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"已生成签章 PDF：{spec.title}。")
    return redirect("licences:case", number=case.number)


@login_required
def sealed_file(request, pk: int):
    document = SealedDocument.objects.select_related("case", "licence").filter(pk=pk).first()
    if document is None:
        raise Http404
    if document.case is not None:
        case = _case(request, document.case.number)
        _require(request, "cases.reveal_personal_data", case)
    elif document.licence is not None:
        get_visible_or_404(Licence, request.user, pk=document.licence_id)
    response = FileResponse(document.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(document.title)}.pdf"
    return response


@login_required
def import_page(request):
    _require(request, "licences.import_licences")
    from tongban.core.import_views import workbook_import
    from tongban.licences import imports

    def run(source, *, name, dry_run, take):
        if isinstance(source, str):
            return imports.import_licences(source, name=name, dry_run=dry_run, by=request.user)
        return imports.import_upload(source, dry_run=dry_run, by=request.user)

    form = ImportForm(request.POST or None, request.FILES or None)
    context = workbook_import(request, form, kind=IMPORT_KIND, run=run, rejected=imports.ImportRejected)
    return render(request, "licences/import.html", {**context, "columns": list(imports.COLUMNS)},
                  status=400 if context["errors"] else 200)


# --- public -------------------------------------------------------------------------------------------------

def verify(request, token: str):
    """The QR code's target (no login): number, holder masked, status, validity, issuer — nothing else."""
    found = selectors.public_licence(token[:60])
    response = render(request, "licences/verify.html", {"found": found, "form": VerifyUploadForm()},
                      status=200 if found else 404)
    response["Cache-Control"] = "no-store"
    return response


def verify_upload(request):
    """Anyone may check a sealed PDF: who sealed it, when, and whether it was changed after sealing. Checks from
    one address are counted per hour like the tracking page's failures (cases.tracking)."""
    from axes.helpers import get_client_ip_address

    from tongban.cases import tracking
    from tongban.core.uploads import check_upload
    from tongban.licences import sealing

    form = VerifyUploadForm(request.POST or None, request.FILES or None)
    result, status = None, 200
    limited = ""
    if request.method == "POST":
        address = get_client_ip_address(request)
        if tracking.is_limited(address, tracking.Kind.SEAL_CHECK):
            limited, status = tracking.limited_message(tracking.Kind.SEAL_CHECK), 429
            form = VerifyUploadForm()
        else:
            tracking.record_failure(address, tracking.Kind.SEAL_CHECK)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_upload(upload, (".pdf",))
            result = sealing.provider().verify(upload.read())
        except ValidationError as exc:
            form.add_error("file", exc.messages[0])
    if form.errors:
        status = 400
    response = render(request, "licences/verify.html", {"found": None, "form": form, "result": result,
                                                        "limited": limited, "upload_page": True}, status=status)
    response["Cache-Control"] = "no-store"
    return response
