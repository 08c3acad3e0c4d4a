"""Pages of the public's voice. Public (no login, mobile-first): the rating page behind a signed link, the
complaint form, the wall of answered complaints, the monthly figures. Staff: the counter's tablet, the lists
and records of 差评, complaints and callbacks with their actions, the hotline import, the loop dashboard."""
from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tongban.core.months import MonthError, month_or_default, parse_month
from tongban.core.paging import keyset_page
from tongban.core.text import parse_int
from tongban.feedback import importing, sampling, selectors, services
from tongban.feedback.choices import (
    BAD_LEVELS, CallbackMethod, CallbackOutcome, Classification, ComplaintCategory, ComplaintChannel,
    HandlingStatus, Level, RatingChannel, RatingTag,
)
from tongban.core.error_codes import message_for
from tongban.feedback.error_codes import FeedbackError as E
from tongban.feedback.error_codes import feedback_error
from tongban.feedback.filtersets import ComplaintFilterSet, RatingFilterSet
from tongban.feedback.models import CallbackItem, Complaint, Rating
from tongban.org.models import Unit
from tongban.org.scopes import get_visible_or_404


def _client_address(request) -> str:
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or ""


def _parse_month(request, text: str | None, default: date) -> date:
    """The one bounded month parser (`core.months`); a month that is not one shows `default`'s, with the reason."""
    month, error = month_or_default(text, default)
    if error:
        messages.error(request, f"{error}已显示{month.year}年{month.month}月。")
    return month


# --- Public pages -----------------------------------------------------------------------------------------

def rate(request, token: str):
    """The applicant's rating page: five levels, reasons for a 差评, a comment; afterwards what became of it."""
    try:
        case, channel = services.read_rating_token(token)
    except ValidationError as exc:
        return render(request, "feedback/public/rate_invalid.html", {"error": " ".join(exc.messages)}, status=404)
    rating = services.existing_rating(case)
    context = {"case": case, "token": token, "rating": rating, "levels": list(reversed(Level.choices)),
               "bad_levels": [int(lv) for lv in BAD_LEVELS], "tags": RatingTag.choices, "error": "",
               "chosen_tags": [], "chosen_level": None, "comment": "",
               "at_counter": channel == RatingChannel.WINDOW,
               "kind_label": services.rating_kind_for(case).label}
    if request.method == "POST" and rating is None:
        tags = request.POST.getlist("tags")
        try:
            rating = services.rate(case, level=request.POST.get("level"), channel=channel, tags=tags,
                                   comment=request.POST.get("comment", ""))
        except ValidationError as exc:
            context.update(error=" ".join(exc.messages), chosen_tags=tags, chosen_level=request.POST.get("level"),
                           comment=request.POST.get("comment", ""))
            return render(request, "feedback/public/rate.html", context, status=400)
        return redirect("feedback:rate", token=token)
    return render(request, "feedback/public/rate.html", context)


def rating_qr(request, token: str):
    """The QR code of a rating link, as SVG (printed on notices, shown on the counter's tablet)."""
    from tongban.feedback import qr

    try:
        case, channel = services.read_rating_token(token)
    except ValidationError:
        raise Http404("评价链接无效。")
    return HttpResponse(qr.svg(services.rating_link(case, channel, absolute=True)), content_type="image/svg+xml")


CALLBACK_HEADING = "政务服务回访"


def callback_answer(request, token: str):
    """网上回访: the applicant answers the callback questionnaire through the private link (the QR code the
    caller gave them), no login, once. A wrong link counts as a failed lookup, limited per address like the
    tracking page (cases.tracking) but counted on its own (`Kind.CALLBACK`): neighbours behind one address
    mistyping case numbers do not lock an applicant out of their callback. The page shows the applicant's own
    words only — never a caller's note (`record_callback` keeps those apart)."""
    from tongban.cases import tracking

    address = _client_address(request)
    if tracking.is_limited(address, tracking.Kind.CALLBACK):
        return _no_store(render(request, "feedback/public/rate_invalid.html", {
            "error": tracking.limited_message(tracking.Kind.CALLBACK), "heading": CALLBACK_HEADING}, status=429))
    item = services.callback_for_token(token)
    if item is None:
        tracking.record_failure(address, tracking.Kind.CALLBACK)
        return _no_store(render(request, "feedback/public/rate_invalid.html",
                                {"error": message_for(E.BAD_CALLBACK_LINK), "heading": CALLBACK_HEADING}, status=404))
    context = {"item": item, "case": item.case, "reasons": RatingTag.choices, "error": "", "chosen": [],
               "remarks": "", "satisfied": None,
               "own_remarks": item.remarks if item.method == CallbackMethod.ONLINE else ""}
    status = 200
    if request.method == "POST" and item.outcome == CallbackOutcome.PENDING:
        data = request.POST
        satisfied = {"yes": True, "no": False}.get(data.get("satisfied", ""))
        try:
            if satisfied is None:
                raise feedback_error(E.CHOOSE_SATISFIED)
            services.answer_callback_online(item, satisfied=satisfied, reasons=data.getlist("reasons"),
                                            remarks=data.get("remarks", ""))
        except ValidationError as exc:
            context.update(error=" ".join(exc.messages), chosen=data.getlist("reasons"),
                           remarks=data.get("remarks", ""), satisfied=data.get("satisfied", ""))
            item.refresh_from_db()
            context["own_remarks"] = item.remarks if item.method == CallbackMethod.ONLINE else ""
            status = 400
        else:
            return redirect("feedback:callback_answer", token=token)
    return _no_store(render(request, "feedback/public/callback_answer.html", context, status=status))


def _no_store(response: HttpResponse) -> HttpResponse:
    """A page behind a private link (or one that shows a link once): no browser or proxy keeps a copy."""
    response["Cache-Control"] = "no-store"
    return response


def _complaint_page(request, template: str, on_success, **submit):
    """The complaint form, public or staff: the service decides; a refusal keeps what was typed."""
    context = {"categories": ComplaintCategory.choices, "error": "", "data": {}}
    if request.method != "POST":
        return render(request, template, context)
    data = request.POST
    try:
        complaint = services.submit_complaint(
            title=data.get("title", ""), content=data.get("content", ""), anonymous=data.get("anonymous") == "on",
            name=data.get("name", ""), phone=data.get("phone", ""), category=data.get("category", ""), **submit)
    except ValidationError as exc:
        context.update(error=" ".join(exc.messages), data=data)
        return render(request, template, context, status=400)
    return on_success(complaint)


def complaint_form(request):
    """吐槽找茬: a public complaint (named or anonymous), limited per address."""
    return _complaint_page(
        request, "feedback/public/complaint_form.html",
        lambda complaint: render(request, "feedback/public/complaint_done.html", {"complaint": complaint}),
        address=_client_address(request))


def wall(request):
    """The public wall: answered complaints, with their public answer only (no names, phones or content)."""
    rows = (Complaint.objects.filter(published=True).order_by("-received_at", "-pk")
            .only("number", "title", "category", "channel", "public_answer", "received_at")[:50])
    return render(request, "feedback/public/wall.html", {"rows": rows})


def figures(request):
    """The monthly published figures (the portal's page; the bulletin calls `selectors.bulletin_section`)."""
    today = timezone.localdate()
    month = _parse_month(request, request.GET.get("month"), sampling.previous_month(today))
    return render(request, "feedback/public/figures.html", {
        "figures": selectors.monthly_figures(month), "month": month,
        "months": _last_months(today, 12),
    })


def _last_months(today: date, count: int) -> list[date]:
    months, month = [], sampling.month_start(today)
    for _ in range(count):
        months.append(month)
        month = sampling.previous_month(month)
    return months


# --- The counter's tablet -----------------------------------------------------------------------------------

@login_required
def counter(request):
    """The window clerk types (or scans) the case number; the tablet then shows the applicant's rating page."""
    if not request.user.has_perm("feedback.counter"):
        raise PermissionDenied
    from tongban.cases.models import Case

    error = ""
    number = (request.POST.get("number") or request.GET.get("number") or "").strip().upper()
    if number:
        case = Case.objects.visible_to(request.user).filter(number=number).first()
        if case is None:
            error = f"没有找到本窗口可见的办件“{number}”。"
        else:
            token = services.rating_token(case, RatingChannel.WINDOW)
            if request.GET.get("qr"):
                return render(request, "feedback/counter_qr.html", {"case": case, "token": token})
            return redirect("feedback:rate", token=token)
    return render(request, "feedback/counter.html", {"error": error, "number": number},
                  status=404 if error else 200)


@login_required
def complaint_register(request):
    """A complaint made in person or by phone to the centre, registered by a clerk or the office (窗口登记)."""
    if not request.user.has_perm("feedback.counter"):
        raise PermissionDenied

    def registered(complaint):
        messages.success(request, f"已登记投诉 {complaint.number}。")
        return redirect("feedback:complaint_list")

    return _complaint_page(request, "feedback/complaint_register.html", registered, channel=ComplaintChannel.WINDOW)


# --- Staff lists ------------------------------------------------------------------------------------------

LIST_ORDER = ("-pk",)


def _filtered_list(request, filterset_class, queryset, template: str):
    """A list page: the FilterSet the API uses too, keyset pages, newest first."""
    filterset = filterset_class(request.GET, queryset=queryset)
    page = keyset_page(filterset.qs, LIST_ORDER, request.GET.get("cursor"))
    query = request.GET.copy()
    query.pop("cursor", None)
    return render(request, template, {"filter": filterset, "page": page, "params": query.urlencode(),
                                      "today": timezone.localdate()})


@login_required
def rating_list(request):
    return _filtered_list(request, RatingFilterSet, selectors.bad_ratings(request.user), "feedback/rating_list.html")


@login_required
def complaint_list(request):
    return _filtered_list(request, ComplaintFilterSet, selectors.complaints(request.user),
                          "feedback/complaint_list.html")


@login_required
def callback_list(request):
    today = timezone.localdate()
    month = _parse_month(request, request.GET.get("month"), sampling.previous_month(today))
    items = selectors.callback_items(request.user, month)
    outcome = request.GET.get("outcome", "")
    if outcome in CallbackOutcome.values:
        items = items.filter(outcome=outcome)
    samples = sampling.CallbackSample.objects.visible_to(request.user).filter(month=month).select_related("window")
    return render(request, "feedback/callback_list.html", {
        "items": items[:500], "month": month, "samples": samples, "outcome": outcome,
        "outcomes": CallbackOutcome.choices, "can_manage": request.user.has_perm("feedback.manage"),
        "previous": sampling.previous_month(month), "next": sampling.next_month(month),
    })


@login_required
@require_POST
def callback_sample(request):
    if not request.user.has_perm("feedback.manage"):
        raise PermissionDenied
    today = timezone.localdate()
    try:  # a month typed wrong is refused, never sampled as another month
        month = parse_month(request.POST.get("month"), sampling.previous_month(today))
    except MonthError as exc:
        messages.error(request, f"{exc}没有抽样。")
        return redirect("feedback:callback_list")
    try:
        result = sampling.sample_month(month, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{result['month']} 抽样：新增 {result['samples']} 个窗口、{result['items']} 件。")
    return redirect(f"{reverse('feedback:callback_list')}?month={month:%Y-%m}")


@login_required
def loop(request):
    """One loop, one dashboard (X1): every source side by side."""
    rows, months = selectors.loop_sources(request.user, timezone.localdate())
    return render(request, "feedback/loop.html", {"panel": {"rows": rows, "months": months}})


# --- One record and its actions -----------------------------------------------------------------------------

KINDS = {"rating": Rating, "complaint": Complaint, "callback": CallbackItem}


def _record(request, kind: str, pk: int):
    model = KINDS.get(kind)
    if model is None:
        raise Http404
    return get_visible_or_404(model.objects.select_related("assigned_unit"), request.user, pk=pk)


def _detail(request, kind: str, record, *, error: str = "", status: int = 200):
    can_manage = request.user.has_perm("feedback.manage")
    can_answer = request.user.has_perm("feedback.answer", record)
    in_loop = record.handling_status != ""
    units = Unit.objects.filter(is_active=True).order_by("path") if can_manage else Unit.objects.none()
    context = {
        "kind": kind, "record": record, "error": error, "can_manage": can_manage, "can_answer": can_answer,
        "in_loop": in_loop, "units": units, "classifications": Classification.choices,
        "categories": ComplaintCategory.choices, "S": HandlingStatus, "outcomes": CallbackOutcome.choices,
        "methods": CallbackMethod.choices, "today": timezone.localdate(),
    }
    if kind == "callback":
        context["script"] = callback_script(record)
    return render(request, f"feedback/{kind}_detail.html", context, status=status)


def callback_script(item: CallbackItem) -> list[str]:
    case = item.case
    return [
        f"您好，我是县政务服务中心回访员，请问是{case.applicant_name}吗？",
        f"您于 {case.received_on:%Y年%m月%d日} 在{item.window.name}办理了“{case.title}”，{case.closed_on:%m月%d日}已办结。"
        if case.closed_on else f"您在{item.window.name}办理了“{case.title}”。",
        "请问您对这次办理的结果、时间和窗口服务满意吗？（满意 / 不满意）",
        "有没有被要求多跑、多交材料，或者遇到其他不方便的地方？",
        "感谢您的支持，您的意见我们会交有关单位整改并回复您。",
    ]


@login_required
def record_detail(request, kind: str, pk: int):
    return _detail(request, kind, _record(request, kind, pk))


# What may be posted to each kind of record; anything else is 404 (not a 500 from a service given the wrong record).
KIND_ACTIONS = {
    "rating": {"call", "assign", "answer", "close", "reopen", "appeal", "review"},
    "complaint": {"assign", "answer", "visit", "close", "reopen", "publish", "return"},
    "callback": {"callback", "online", "assign", "answer", "close", "reopen"},
}
OFFICE_ACTIONS = {"call", "assign", "close", "reopen", "review", "publish", "callback", "online", "return"}


@login_required
@require_POST
def record_action(request, kind: str, pk: int, action: str):
    if action not in KIND_ACTIONS.get(kind, ()):
        raise Http404
    record = _record(request, kind, pk)
    allowed = (request.user.has_perm("feedback.manage") if action in OFFICE_ACTIONS
               else request.user.has_perm("feedback.answer", record))
    if not allowed:
        return _detail(request, kind, record, error="您没有权限进行这项操作。", status=403)
    data, by = request.POST, request.user
    try:
        if action == "call":
            services.record_rating_callback(record, note=data.get("note", ""), by=by)
        elif action == "assign":
            unit_pk = parse_int(data.get("unit"), min=1)
            unit = Unit.objects.filter(pk=unit_pk).first() if unit_pk is not None else None
            deadline = None
            if data.get("measure_deadline"):
                try:
                    deadline = date.fromisoformat(data["measure_deadline"])
                except ValueError:
                    deadline = None
            services.assign(record, classification=data.get("classification", ""), unit=unit,
                            note=data.get("note", ""), category=data.get("category", ""), measure_deadline=deadline,
                            by=by)
        elif action == "answer":
            services.answer(record, text=data.get("text", ""), by=by)
        elif action == "visit":
            services.record_visit(record, note=data.get("note", ""), by=by)
        elif action in ("close", "reopen"):
            services.close(record, satisfied=action == "close", note=data.get("note", ""), by=by)
        elif action == "appeal":
            services.appeal(record, reason=data.get("reason", ""), by=by)
        elif action == "review":
            services.review_appeal(record, upheld=data.get("upheld") == "yes", note=data.get("note", ""), by=by)
        elif action == "publish":
            services.publish(record, public_answer=data.get("public_answer", ""), by=by)
        elif action == "return":
            services.return_hotline_answer(record, by=by)
        elif action == "online":  # post/redirect/get: a reload of the sheet must not make (and kill) another link
            _remember_sheet_link(request, record.pk, services.issue_online_callback(record, by=by))
            return redirect("feedback:callback_sheet", pk=record.pk)
        elif action == "callback":
            services.record_callback(record, outcome=data.get("outcome", ""), remarks=data.get("remarks", ""),
                                     method=data.get("method", ""), by=by)
    except ValidationError as exc:
        return _detail(request, kind, record, error=" ".join(exc.messages), status=400)
    messages.success(request, "已保存。")
    return redirect(record.get_absolute_url())


def _sheet_key(pk: int) -> str:
    return f"feedback.callback_sheet.{pk}"


def _sheet_cipher():
    """Fernet with a key derived from SECRET_KEY for this use only: the session table alone opens nothing."""
    import base64

    from cryptography.fernet import Fernet
    from django.utils.crypto import salted_hmac

    key = salted_hmac("tongban.feedback.callback_sheet", "fernet", algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _remember_sheet_link(request, pk: int, token: str) -> None:
    """What the sheet needs to show the link again (a reload, the back button) without a session dump holding
    a usable link: the link's hash (is it still the callback's current link?) and the link sealed."""
    from tongban.cases.services.online import token_key

    request.session[_sheet_key(pk)] = {"key": token_key(token),
                                       "sealed": _sheet_cipher().encrypt(token.encode()).decode()}


def _sheet_link_token(request, item) -> str:
    """The token of the link this user made for `item`, if it is still the current link of a callback that
    waits; otherwise "" and the session forgets it (replaced, answered, or sealed under another SECRET_KEY)."""
    from cryptography.fernet import InvalidToken

    from tongban.cases.services.online import token_key

    kept = request.session.get(_sheet_key(item.pk))
    if kept is None:
        return ""
    token = ""
    if (isinstance(kept, dict) and item.outcome == CallbackOutcome.PENDING and item.online_key
            and kept.get("key") == item.online_key):
        try:
            token = _sheet_cipher().decrypt(str(kept.get("sealed", "")).encode()).decode()
        except (InvalidToken, UnicodeDecodeError):
            token = ""
    if not token or token_key(token) != item.online_key:
        del request.session[_sheet_key(item.pk)]
        return ""
    return token


@login_required
def callback_sheet(request, pk: int):
    """The printable sheet with the QR code of a callback's private link. Only the link's hash is stored, so the
    link is shown to the person who made it, from their session (sealed there: `_remember_sheet_link`), as long
    as it is the current link of a callback still waiting (a reload or the back button shows the same link; a
    GET never makes one). Made again or answered, the sheet says so and offers to make a new one."""
    from tongban.feedback import qr

    if not request.user.has_perm("feedback.manage"):
        raise PermissionDenied
    item = _record(request, "callback", pk)
    token = _sheet_link_token(request, item)
    link = services.online_callback_link(token) if token else ""
    return _no_store(render(request, "feedback/callback_online.html", {
        "record": item, "link": link, "qr_svg": qr.inline_svg(link) if link else ""}))


# --- 12345 import -------------------------------------------------------------------------------------------

@login_required
def hotline_import(request):
    if not request.user.has_perm("feedback.manage"):
        raise PermissionDenied
    return importing.import_view(request)
