"""Assessment pages: the months, a month's scores, a unit's score sheet (every point with its record),
objections, the 红黑榜, the 工作通报, schemes (Excel in and out), 大抓积分, and the policy profile."""
from __future__ import annotations

from datetime import date
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongban.assessment import bulletin, profiles, schemes, selectors, services, sources, unit_points
from tongban.assessment.choices import GRADE_COLORS, SHEET_STATUS_COLORS, ObjectionStatus
from tongban.assessment.models import AssessmentMonth, Indicator, Objection, Scheme, ScoreItem, ScoreSheet
from tongban.assessment.rules import is_office, may_object
from tongban.core import pending_uploads
from tongban.core.text import parse_int
from tongban.core.uploads import check_workbook_upload
from tongban.org.scopes import get_visible_or_404, scope_for
from tongban.supervision.reports import Month

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _attachment(content: bytes, name: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _month(key: str) -> AssessmentMonth:
    try:
        month = Month.parse(key)
    except ValueError:
        raise Http404("没有该月份的考核。")
    return get_object_or_404(AssessmentMonth.objects.select_related("scheme"), month=month.first)


def _messages(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@login_required
def month_list(request):
    if scope_for(request.user).is_empty:
        raise PermissionDenied
    return render(request, "assessment/month_list.html", {
        "months": AssessmentMonth.objects.select_related("scheme", "board"),
        "office": is_office(request.user), "schemes": Scheme.objects.all()[:5],
        "pending": selectors.pending_objections(request.user)[:20],
    })


@login_required
def month_detail(request, key: str):
    assessment = _month(key)
    results = selectors.month_results(assessment, request.user)
    return render(request, "assessment/month.html", {
        "assessment": assessment, "results": results, "totals": selectors.totals(assessment),
        "office": is_office(request.user), "grade_colors": GRADE_COLORS,
        "board": selectors.board(assessment) if hasattr(assessment, "board") else None,
        "county_wide": scope_for(request.user).everything,
    })


@login_required
@require_POST
def score(request):
    if not is_office(request.user):
        raise PermissionDenied
    try:
        month = Month.parse(request.POST.get("month", ""))
        assessment, created = services.score_month(month, timezone.localdate(), by=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("assessment:months")
    except ValidationError as exc:
        messages.error(request, _messages(exc))
        return redirect("assessment:months")
    messages.success(request, f"{assessment}已评分。" if created else f"{assessment}已经评过分，未重复评分。")
    return redirect(assessment.get_absolute_url())


@login_required
@require_POST
def lock(request, key: str):
    assessment = _month(key)
    try:
        services.lock_month(assessment, by=request.user)
        messages.success(request, "考核结果已锁定。")
    except ValidationError as exc:
        messages.error(request, _messages(exc))
    return redirect(assessment.get_absolute_url())


@login_required
@require_POST
def publish(request, key: str):
    assessment = _month(key)
    try:
        services.publish_board(assessment, by=request.user)
        messages.success(request, "红黑榜已发布到门户。")
    except ValidationError as exc:
        messages.error(request, _messages(exc))
    return redirect(assessment.get_absolute_url())


@login_required
def notice(request, key: str):
    """工作通报 (.docx), for the county-wide readers (it lists every unit)."""
    assessment = _month(key)
    if not scope_for(request.user).everything:
        raise PermissionDenied
    content = bulletin.render(bulletin.report(assessment, timezone.localdate()))
    return _attachment(content, bulletin.file_name(assessment), DOCX)


@login_required
def sheet_detail(request, pk: int, *, error: str = "", status: int = 200):
    sheet = get_visible_or_404(ScoreSheet.objects.select_related("unit", "assessment__scheme"), request.user, pk=pk)
    items = list(sheet.items.select_related("indicator").prefetch_related("objections"))
    today = timezone.localdate()
    open_ = sheet.assessment.locked_at is None
    return render(request, "assessment/sheet.html", {
        "sheet": sheet, "items": items, "office": is_office(request.user),
        "can_object": open_ and today <= sheet.assessment.objection_until and may_object(request.user, sheet),
        "open": open_, "grade_color": GRADE_COLORS.get(sheet.grade), "status_color": SHEET_STATUS_COLORS.get(sheet.status),
        "manual_indicators": sheet.assessment.scheme.indicators.filter(source="manual"),
        "error": error, "pending": ObjectionStatus.PENDING,
    }, status=status)


@login_required
@require_POST
def object_to_item(request, pk: int):
    item = get_visible_or_404(ScoreItem.objects.select_related("sheet__assessment"), request.user, pk=pk)
    try:
        services.file_objection(item, reason=request.POST.get("reason", ""), by=request.user, today=timezone.localdate())
    except ValidationError as exc:
        return sheet_detail(request, item.sheet_id, error=_messages(exc), status=400)
    messages.success(request, "申诉已提交，等待考核办决定。")
    return redirect(item.sheet.get_absolute_url())


@login_required
@require_POST
def decide(request, pk: int):
    objection = get_visible_or_404(Objection.objects.select_related("item__sheet"), request.user, pk=pk)
    try:
        services.decide_objection(objection, upheld=request.POST.get("upheld") == "1",
                                  decision=request.POST.get("decision", ""), by=request.user)
    except ValidationError as exc:
        return sheet_detail(request, objection.item.sheet_id, error=_messages(exc), status=400)
    messages.success(request, "申诉已决定。")
    return redirect(objection.item.sheet.get_absolute_url())


@login_required
@require_POST
def add_manual(request, pk: int):
    sheet = get_visible_or_404(ScoreSheet.objects.select_related("assessment__scheme"), request.user, pk=pk)
    indicator = sheet.assessment.scheme.indicators.filter(pk=request.POST.get("indicator") or 0).first()
    if indicator is None:
        return sheet_detail(request, pk, error="请选择指标。", status=400)
    count = parse_int(request.POST.get("count") or "1", 0)  # the service refuses what is not 1–100
    try:
        services.add_manual_item(sheet, indicator=indicator, label=request.POST.get("label", ""), count=count,
                                 note=request.POST.get("note", ""), evidence=request.FILES.get("evidence"),
                                 by=request.user)
    except ValidationError as exc:
        return sheet_detail(request, pk, error=_messages(exc), status=400)
    messages.success(request, "已录入。")
    return redirect(sheet.get_absolute_url())


@login_required
def evidence(request, pk: int):
    from django.http import FileResponse

    item = get_visible_or_404(ScoreItem, request.user, pk=pk)
    if not item.evidence:
        raise Http404("没有佐证材料。")
    return FileResponse(item.evidence.open("rb"), as_attachment=True, filename=PurePath(item.evidence.name).name)


@login_required
def scheme_list(request):
    if scope_for(request.user).is_empty:
        raise PermissionDenied
    return render(request, "assessment/schemes.html", {"schemes": Scheme.objects.all(), "office": is_office(request.user)})


@login_required
def scheme_detail(request, pk: int):
    if scope_for(request.user).is_empty:
        raise PermissionDenied
    scheme = get_object_or_404(Scheme, pk=pk)
    indicators = [(i, sources.label_of(i.source)) for i in scheme.indicators.all()]
    return render(request, "assessment/scheme.html", {"scheme": scheme, "indicators": indicators})


@login_required
def scheme_export(request, pk: int):
    if scope_for(request.user).is_empty:
        raise PermissionDenied
    scheme = get_object_or_404(Scheme, pk=pk)
    return _attachment(schemes.export(scheme), f"考核方案-{scheme.valid_from:%Y-%m}.xlsx", XLSX)


def _import_page(request, *, kind: str, template: str, parse, preview, apply, done_url: str, extra=None):
    """Upload → check every row → show what would change → confirm. Nothing is written before the confirm."""
    if not is_office(request.user):
        raise PermissionDenied
    ctx = dict(extra or {})
    if request.method == "POST" and request.POST.get("token"):
        path, entry = pending_uploads.pending_upload(request, request.POST["token"], kind)
        parsed = parse(str(path), entry["name"])
        try:
            result = apply(parsed, request.user)
        except ValidationError as exc:
            ctx["errors"] = exc.messages
            return render(request, template, ctx, status=400)
        pending_uploads.forget(request, request.POST["token"], delete_file=True)
        messages.success(request, f"导入完成：{result}")
        return redirect(done_url)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            ctx["errors"] = ["请选择要导入的文件。"]
            return render(request, template, ctx, status=400)
        try:
            check_workbook_upload(upload)
            upload.seek(0)
            parsed = parse(upload, upload.name)
        except ValidationError as exc:
            ctx["errors"] = exc.messages
            return render(request, template, ctx, status=400)
        if parsed.errors:
            ctx["errors"] = parsed.errors
            return render(request, template, ctx, status=400)
        ctx["preview"] = preview(parsed)
        ctx["token"] = pending_uploads.keep_upload(request, upload, kind=kind, ext=PurePath(upload.name).suffix.lower())
    return render(request, template, ctx)


def scheme_import(request):
    def preview(parsed):
        return schemes.changes(parsed)["lines"]

    def apply(parsed, by):
        scheme, action = schemes.apply(parsed, by=by)
        return {"create": "已新建方案", "update": "已修改方案", "none": "没有变化"}[action] + f"“{scheme.name}”"

    return _import_page(request, kind="assessment.scheme", template="assessment/scheme_import.html",
                        parse=schemes.parse, preview=preview, apply=apply, done_url="assessment:schemes")


scheme_import = login_required(scheme_import)


@login_required
def unit_points_page(request):
    if scope_for(request.user).is_empty:
        raise PermissionDenied
    year = parse_int(request.GET.get("year"), timezone.localdate().year, min=2000, max=2099)
    rows = selectors.unit_points(year, request.user)
    return render(request, "assessment/unit_points.html", {
        "year": year, "rows": rows, "office": is_office(request.user),
        "chart": {"months": [f"{m}月" for m in range(1, 13)],
                  "series": [{"name": r["unit"], "type": "line", "connectNulls": True,
                              "data": [float(v) if v is not None else None for v in r["trend"]]} for r in rows[:10]]},
    })


def unit_points_import(request):
    def preview(parsed):
        return [f"指标 {len(parsed.indicators)} 项，月度得分 {len(parsed.scores)} 条"]

    def apply(parsed, by):
        r = unit_points.apply(parsed, by=by)
        return f"新增指标 {r['created']} 项，修改 {r['updated']} 项，写入得分 {r['scores']} 条"

    return _import_page(request, kind="assessment.unit_points", template="assessment/unit_points_import.html",
                        parse=unit_points.parse, preview=preview, apply=apply, done_url="assessment:unit_points")


unit_points_import = login_required(unit_points_import)


@login_required
def policies(request):
    """X3: every policy setting across tongban with its source; export; import with a preview of the changes."""
    if not scope_for(request.user).everything:
        raise PermissionDenied
    ctx = {"values": profiles.values(), "office": is_office(request.user)}
    if request.method == "POST":
        if not is_office(request.user):
            raise PermissionDenied
        try:
            if request.POST.get("token"):
                path, _ = pending_uploads.pending_upload(request, request.POST["token"], "assessment.profile")
                count = profiles.apply(path.read_bytes(), by=request.user)
                pending_uploads.forget(request, request.POST["token"], delete_file=True)
                messages.success(request, f"已导入政策参数，修改 {count} 项。")
                return redirect("assessment:policies")
            upload = request.FILES.get("file")
            if upload is None:
                raise ValidationError("请选择要导入的文件。")
            if upload.size > 1_000_000:
                raise ValidationError("文件过大。")
            ctx["changes"] = profiles.diff(upload.read())
            ctx["token"] = pending_uploads.keep_upload(request, upload, kind="assessment.profile", ext=".json")
        except ValidationError as exc:
            ctx["errors"] = exc.messages
            return render(request, "assessment/policies.html", ctx, status=400)
    return render(request, "assessment/policies.html", ctx)


@login_required
def policies_export(request):
    if not scope_for(request.user).everything:
        raise PermissionDenied
    return _attachment(profiles.export(), f"政策参数-{date.today():%Y%m%d}.json", "application/json")


def public_board(request):
    """The portal's 红黑榜: the latest published month (public, no login)."""
    assessment = AssessmentMonth.objects.filter(board__isnull=False).select_related("scheme").first()
    return render(request, "assessment/public_board.html", {
        "assessment": assessment, "board": selectors.board(assessment) if assessment else None})
