"""电子签名 and 电子档案 pages. Views parse, authorise and call the services; every lookup goes through the scope."""
from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tongban.archives import packages, services, signing
from tongban.archives.choices import PACKAGE_STATUS_COLORS, PackageStatus, SignedKind
from tongban.archives.models import ArchivePackage, Signature
from tongban.cases.models import Case
from tongban.core.paging import keyset_page
from tongban.core.uploads import check_upload
from tongban.org.scopes import get_visible_or_404, scope_for

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LIST_ORDER = ["-closed_on", "-pk"]


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _case(request, number: str) -> Case:
    return get_visible_or_404(Case.objects.select_related("intake_unit", "intake_window", "delivery_window"),
                              request.user, number=number)


def _attachment(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- 电子签名 ---------------------------------------------------------------------------------------

@login_required
def sign(request, number: str, kind: str):
    """The signing page on the counter's tablet: the document's text to read, the pad, the signer's name."""
    case = _case(request, number)
    _require(request, "archives.sign", case)
    if kind not in SignedKind.values or not signing.applies(case, kind):
        raise Http404("该办件没有这份文书。")
    title = SignedKind(kind).label
    error, status = None, 200
    signer = case.applicant_name if case.applicant_kind == "person" else (case.legal_representative or case.applicant_name)
    if request.method == "POST":
        signer = request.POST.get("signer_name", "")
        try:
            image = signing.decode_data_url(request.POST.get("signature", ""))
            services.sign_document(case, kind, image=image, signer_name=signer, by=request.user)
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        else:
            messages.success(request, f"申请人已签署{title}。")
            return redirect(case.get_absolute_url())
    existing = Signature.objects.filter(case=case, kind=kind).first()
    return render(request, "archives/sign.html", {
        "case": case, "kind": kind, "title": title, "signer": signer, "error": error, "existing": existing,
        "notice_url": _document_url(case, kind),
    }, status=status)


def _document_url(case, kind: str) -> str:
    from django.urls import reverse

    if kind == SignedKind.RECEIPT:
        return reverse("archives:receipt", args=[case.number])
    return reverse("cases:notice", args=[case.number, kind])


@login_required
def signatures(request, number: str):
    case = _case(request, number)
    _require(request, "archives.sign", case)
    return render(request, "archives/signatures.html", {
        "case": case, "signatures": Signature.objects.filter(case=case).select_related("signed_by__staff"),
    })


@login_required
def signature_file(request, pk: int, part: str):
    signature = Signature.objects.select_related("case").filter(pk=pk).first()
    if signature is None or part not in ("image", "document"):
        raise Http404("未找到该记录，或您无权查看。")
    case = _case(request, signature.case.number)
    _require(request, "archives.sign", case)
    stored = signature.image if part == "image" else signature.document
    if part == "image":
        return FileResponse(stored.open("rb"), content_type="image/png")
    with stored.open("rb") as handle:
        data = handle.read()
    return _attachment(data, f"{signature.get_kind_display()}（已签名）-{case.number}.docx", DOCX)


@login_required
def receipt(request, number: str):
    """出件回执: the signed copy once signed, else the receipt as it will be signed."""
    case = _case(request, number)
    _require(request, "archives.sign", case)
    if not signing.applies(case, SignedKind.RECEIPT):
        raise Http404("该办件还没有出件。")
    data = signing.signed_copy(case, SignedKind.RECEIPT) or signing.receipt_docx(case)
    return _attachment(data, f"出件回执-{case.number}.docx", DOCX)


# --- 电子档案 ---------------------------------------------------------------------------------------

@login_required
def package_list(request):
    """归档信息包 in the reader's scope, newest closing first, with their verification status (one query)."""
    _require(request, "archives.view_packages")
    rows = ArchivePackage.objects.visible_to(request.user).select_related("case")
    status = request.GET.get("status", "")
    if status in PackageStatus.values:
        rows = rows.filter(status=status)
    page = keyset_page(rows, LIST_ORDER, request.GET.get("cursor"))
    for package in page.object_list:
        package.status_color = PACKAGE_STATUS_COLORS[package.status]
    return render(request, "archives/package_list.html", {
        "page": page, "status": status, "statuses": PackageStatus.choices, "scope": scope_for(request.user),
        "params": f"status={status}" if status else "",
    })


def _package(request, pk: int) -> ArchivePackage:
    return get_visible_or_404(ArchivePackage.objects.select_related("case"), request.user, pk=pk)


@login_required
def package_detail(request, pk: int):
    package = _package(request, pk)
    package.status_color = PACKAGE_STATUS_COLORS[package.status]
    return render(request, "archives/package_detail.html", {
        "package": package, "can_download": request.user.has_perm("archives.download_package", package.case),
        "can_verify": request.user.has_perm("archives.verify_package", package.case),
    })


@login_required
def package_download(request, pk: int):
    package = _package(request, pk)
    _require(request, "archives.download_package", package.case)
    path = services.package_path(package)
    if not path.exists():
        raise Http404("归档包文件不存在，请联系系统管理员。")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{package.case.number}.zip",
                        content_type="application/zip")


@login_required
@require_POST
def package_verify(request, pk: int):
    """Records the status: a write, so for those handling the case and leaders (not the read-only inspector)."""
    package = _package(request, pk)
    _require(request, "archives.verify_package", package.case)
    result = services.verify_package(package, by=request.user)
    (messages.success if result.ok else messages.error)(request, result.summary())
    return redirect("archives:package", pk=package.pk)


@login_required
def verify_upload(request):
    """校验上传的归档包 (e.g. one the county archive sent back): nothing is stored."""
    _require(request, "archives.view_packages")
    result, error, status = None, None, 200
    if request.method == "POST":
        upload = request.FILES.get("package")
        try:
            if upload is None:
                raise ValidationError("请选择要校验的归档包（.zip）。")
            check_upload(upload, (".zip",))
            result = packages.verify_zip(upload)
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        else:
            status = 200 if result.ok else 422
    return render(request, "archives/verify.html", {"result": result, "error": error}, status=status)
