"""Every write of the public's voice: ratings, the one handling loop, complaints, hotline orders, callbacks.

Each function is atomic, checks its preconditions (a `ValidationError` with a code from `error_codes`) and
records a domain event; notifications go after commit. Work that needs time opens a rectification measure
through `rectification.services.create_measure(source=…)`, the one closed loop (docs/rectification.md, X1).
"""
from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tongban.cases.choices import FINAL_STATUSES, CaseStatus
from tongban.cases.models import Case
from tongban.feedback.choices import (
    BAD_LEVELS, UPHELD, AppealStatus, CallbackMethod, CallbackOutcome, Classification, ComplaintCategory,
    ComplaintChannel, HandlingStatus, HotlineUrgency, Level, RatingChannel, RatingKind, RatingTag,
)
from tongban.feedback.error_codes import FeedbackError as E
from tongban.feedback.error_codes import feedback_error
from tongban.feedback.models import CallbackItem, Complaint, FeedbackSettings, Handled, Rating
from tongban.history.services import record_event
from tongban.workdays.services import add_workdays

TOKEN_SALT = "tongban.feedback.rating"


# --- The rating link (tablet, tracking page, QR code on the notice) -------------------------------------

def rating_token(case: Case, channel: str) -> str:
    """A signed token naming the case and the channel: whoever holds it is the applicant (they hold the
    printed notice, passed the tracking page's second factor, or stand at the counter)."""
    return signing.dumps({"c": case.pk, "ch": channel}, salt=TOKEN_SALT, compress=True)


def rating_link(case: Case, channel: str = RatingChannel.QR, *, absolute: bool = False) -> str:
    path = reverse("feedback:rate", args=[rating_token(case, channel)])
    if absolute:
        return settings.SITE_URL.rstrip("/") + path
    return path


def web_rating_link(case_number: str) -> str:
    """The tracking page's link, once the applicant has passed its second factor."""
    case = Case.objects.only("pk").get(number=case_number)
    return rating_link(case, RatingChannel.WEB)


def read_rating_token(token: str) -> tuple[Case, str]:
    try:
        data = signing.loads(token, salt=TOKEN_SALT)
        case = Case.objects.select_related("intake_unit", "intake_window").get(pk=data["c"])
        channel = RatingChannel(data["ch"])
    except (signing.BadSignature, Case.DoesNotExist, KeyError, ValueError, TypeError):
        raise feedback_error(E.BAD_TOKEN)
    return case, channel


def rating_kind_for(case: Case) -> RatingKind:
    """一事一评 once the case is over (closed, refused or withdrawn); before that, each visit (一次一评)."""
    return RatingKind.CASE if case.status in FINAL_STATUSES else RatingKind.VISIT


def existing_rating(case: Case, today: date | None = None) -> Rating | None:
    today = today or timezone.localdate()
    if rating_kind_for(case) == RatingKind.CASE:
        return Rating.objects.filter(case=case, kind=RatingKind.CASE).first()
    return Rating.objects.filter(case=case, kind=RatingKind.VISIT, visit_on=today).first()


def rate(case: Case, *, level, channel: str, tags: Iterable[str] = (), comment: str = "",
         now=None) -> Rating:
    """The applicant's rating of a closed case (一事一评) or of today's visit (一次一评)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    try:
        level = Level(int(level))
    except (TypeError, ValueError):
        raise feedback_error(E.BAD_LEVEL)
    tags = [t for t in dict.fromkeys(tags) if t in RatingTag.values]
    if level in BAD_LEVELS and not tags:
        raise feedback_error(E.TAGS_REQUIRED)
    if level not in BAD_LEVELS:
        tags = []
    kind = rating_kind_for(case)
    settings_ = FeedbackSettings.load()
    rating = Rating(case=case, kind=kind, visit_on=today if kind == RatingKind.VISIT else None, channel=channel,
                    level=level, tags=tags, comment=(comment or "").strip()[:2000], rated_at=now,
                    unit_id=case.intake_unit_id, window_id=case.intake_window_id)
    if level in BAD_LEVELS:
        rating.handling_status = HandlingStatus.NEW
        rating.callback_due = add_workdays(today, settings_.callback_workdays).date
    try:
        with transaction.atomic():
            rating.save()
            record_event(rating, "feedback.rating.rated",
                         f"申请人评价“{level.label}”（{RatingChannel(channel).label}）", by=None)
            record_event(case, "feedback.rating.rated", f"申请人评价“{level.label}”", by=None, related=rating)
    except IntegrityError:
        if kind == RatingKind.CASE:
            raise feedback_error(E.ALREADY_RATED, number=case.number)
        raise feedback_error(E.VISIT_RATED, on=f"{today:%Y-%m-%d}")
    if level in BAD_LEVELS:
        transaction.on_commit(lambda: _tell_office(
            f"新差评：{case.title}（{case.number}）", "请在 1 个工作日内回访申请人。", rating.get_absolute_url()))
    return rating


def apply_default_ratings(today: date) -> int:
    """Cases closed `default_after_days` ago or earlier and never rated get the default level (if set)."""
    policy = FeedbackSettings.load()
    if not policy.default_level:
        return 0
    cutoff = today - timedelta(days=policy.default_after_days)
    cases = (Case.objects.filter(status=CaseStatus.CLOSED, closed_on__lte=cutoff)
             .exclude(ratings__kind=RatingKind.CASE).values_list("pk", "intake_unit_id", "intake_window_id"))
    now = timezone.now()
    rows = [Rating(case_id=pk, kind=RatingKind.CASE, channel=RatingChannel.DEFAULT, level=policy.default_level,
                   rated_at=now, is_default=True, unit_id=unit_id, window_id=window_id)
            for pk, unit_id, window_id in cases]
    Rating.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


# --- The one handling loop -------------------------------------------------------------------------------

def _locked(record: Handled) -> Handled:
    return type(record).objects.select_for_update().get(pk=record.pk)


def _check_status(record: Handled, allowed: Iterable[str], action: str) -> None:
    if record.handling_status not in allowed:
        raise feedback_error(E.BAD_TRANSITION, status=record.get_handling_status_display() or "不在处理中",
                             action=action)


def _required(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise feedback_error(E.TEXT_REQUIRED, what=what)
    return text


def record_rating_callback(rating: Rating, *, note: str, by) -> Rating:
    """The office called the applicant back about a 差评 (100 % of named 差评)."""
    with transaction.atomic():
        rating = _locked(rating)
        _check_status(rating, [HandlingStatus.NEW], "记录回访")
        rating.call_note = _required(note, "回访情况")
        rating.called_at = timezone.now()
        rating.save(update_fields=["call_note", "called_at", "updated_at"])
        record_event(rating, "feedback.rating.called", f"回访申请人：{rating.call_note[:60]}", by=by)
    return rating


def due_date_for(record: Handled, today: date) -> date:
    policy = FeedbackSettings.load()
    if isinstance(record, Complaint):
        if record.channel == ComplaintChannel.HOTLINE:
            days = {HotlineUrgency.URGENT: policy.hotline_urgent_workdays,
                    HotlineUrgency.COMPLEX: policy.hotline_complex_workdays}.get(record.urgency,
                                                                               policy.hotline_ordinary_workdays)
        else:
            days = policy.complaint_workdays
    else:
        days = policy.rectify_workdays
    return add_workdays(today, days).date


SOURCE_KIND = {Rating: "rating", Complaint: "complaint", CallbackItem: "callback"}


def assign(record: Handled, *, classification: str, unit, note: str = "", by, category: str = "",
           measure_deadline: date | None = None, today: date | None = None) -> Handled:
    """Classify and 交办 to a unit with a due date; a valid problem needing time also opens a measure in the
    rectification loop (source = this record)."""
    today = today or timezone.localdate()
    if classification not in Classification.values:
        raise feedback_error(E.CLASS_REQUIRED)
    if unit is None:
        raise feedback_error(E.UNIT_REQUIRED)
    with transaction.atomic():
        record = _locked(record)
        _check_status(record, [HandlingStatus.NEW], "交办")
        if isinstance(record, Rating) and not record.called_at:
            raise feedback_error(E.CALL_FIRST)
        record.classification = classification
        record.assigned_unit = unit
        record.assign_note = (note or "").strip()
        record.assigned_at = timezone.now()
        record.due_date = due_date_for(record, today)
        record.handling_status = HandlingStatus.ASSIGNED
        fields = ["classification", "assigned_unit", "assign_note", "assigned_at", "due_date", "handling_status",
                  "updated_at"]
        if isinstance(record, Complaint):
            if category in ComplaintCategory.values:
                record.category = category
            record.unit = unit
            record.upheld = classification in UPHELD
            fields += ["category", "unit", "upheld"]
        if classification == Classification.NEEDS_TIME:
            record.measure = _open_measure(record, unit, measure_deadline or add_workdays(record.due_date, 10).date,
                                           by=by)
            fields.append("measure")
        record.save(update_fields=fields)
        record_event(record, "feedback.assigned",
                     f"分类为“{Classification(classification).label}”，交办“{unit.name}”，{record.due_date:%Y-%m-%d} 前办理",
                     by=by)
        title, link = _title(record), record.get_absolute_url()
        transaction.on_commit(lambda: _tell_unit(unit, f"交办：{title}", f"请在 {record.due_date:%Y-%m-%d} 前答复。", link))
    return record


def _title(record: Handled) -> str:
    return record.title if not isinstance(record, Complaint) else f"投诉：{record.title}"


def _open_measure(record: Handled, unit, deadline: date, *, by):
    from tongban.rectification import services as rectification

    text = f"{_title(record)}。{record.assign_note or ''}".strip("。") + "。"
    return rectification.create_measure(text=text[:2000], lead_unit=unit, source_kind=SOURCE_KIND[type(record)],
                                        source=record, deadline=deadline, by=by)


def answer(record: Handled, *, text: str, by) -> Handled:
    """The unit's answer: what it did (整改结果) or why nothing can be done."""
    with transaction.atomic():
        record = _locked(record)
        _check_status(record, [HandlingStatus.ASSIGNED], "答复")
        record.answer = _required(text, "答复内容")
        record.answered_at = timezone.now()
        if record.answered_on_time is None:  # the first answer decides 按期 (a reopened one keeps it)
            record.answered_on_time = timezone.localdate(record.answered_at) <= record.due_date
        record.handling_status = HandlingStatus.ANSWERED
        record.save(update_fields=["answer", "answered_at", "answered_on_time", "handling_status", "updated_at"])
        record_event(record, "feedback.answered", f"承办单位答复：{record.answer[:60]}", by=by)
        title, link = _title(record), record.get_absolute_url()
        transaction.on_commit(lambda: _tell_office(f"已答复：{title}", "请核实并反馈群众。", link))
    return record


def record_visit(complaint: Complaint, *, note: str, by) -> Complaint:
    """上门回访 of a 涉企投诉 or 办不成事, required before it can close."""
    with transaction.atomic():
        complaint = _locked(complaint)
        _check_status(complaint, [HandlingStatus.ASSIGNED, HandlingStatus.ANSWERED], "记录上门回访")
        complaint.visit_note = _required(note, "上门回访情况")
        complaint.visit_done_at = timezone.now()
        complaint.save(update_fields=["visit_note", "visit_done_at", "updated_at"])
        record_event(complaint, "feedback.complaint.visited", f"上门回访：{complaint.visit_note[:60]}", by=by)
    return complaint


def close(record: Handled, *, satisfied: bool, note: str, by, today: date | None = None) -> Handled:
    """Verify with the person (or report the result back to the applicant): satisfied → closed; not → 交办
    again with a new due date."""
    today = today or timezone.localdate()
    with transaction.atomic():
        record = _locked(record)
        _check_status(record, [HandlingStatus.ANSWERED], "办结" if satisfied else "重新交办")
        record.close_note = _required(note, "核实与反馈情况")
        fields = ["close_note", "handling_status", "updated_at"]
        if isinstance(record, Complaint):
            record.verified_satisfied = satisfied
            fields.append("verified_satisfied")
        if satisfied:
            if isinstance(record, Complaint) and record.needs_visit and not record.visit_done_at:
                raise feedback_error(E.VISIT_REQUIRED, category=record.get_category_display())
            record.handling_status = HandlingStatus.CLOSED
            record.closed_at = timezone.now()
            fields.append("closed_at")
            record_event(record, "feedback.closed", f"办结：{record.close_note[:60]}", by=by)
        else:
            record.handling_status = HandlingStatus.ASSIGNED
            record.reopened_count += 1
            record.due_date = due_date_for(record, today)
            fields += ["reopened_count", "due_date"]
            returned = ""
            if isinstance(record, Complaint) and record.returned_at:
                # The next answer is returned to 12345 again; the earlier return stays in the timeline.
                returned = f"（此前已回传 12345：{timezone.localtime(record.returned_at):%Y-%m-%d %H:%M}）"
                record.returned_at = None
                fields.append("returned_at")
            record_event(record, "feedback.reopened", f"群众不满意，重新交办：{record.close_note[:60]}{returned}", by=by)
        record.save(update_fields=fields)
    return record


def appeal(rating: Rating, *, reason: str, by) -> Rating:
    """The unit appeals a mistaken or malicious 差评; the office reviews it."""
    with transaction.atomic():
        rating = _locked(rating)
        if rating.classification not in (Classification.MALICIOUS, Classification.NO_BASIS) or rating.appeal_status:
            raise feedback_error(E.APPEAL_NOT_ALLOWED)
        rating.appeal_reason = _required(reason, "申诉理由")
        rating.appeal_status = AppealStatus.PENDING
        rating.save(update_fields=["appeal_reason", "appeal_status", "updated_at"])
        record_event(rating, "feedback.rating.appealed", f"申诉：{rating.appeal_reason[:60]}", by=by)
    return rating


def review_appeal(rating: Rating, *, upheld: bool, note: str, by) -> Rating:
    with transaction.atomic():
        rating = _locked(rating)
        if rating.appeal_status != AppealStatus.PENDING:
            raise feedback_error(E.APPEAL_NOT_PENDING)
        rating.review_note = _required(note, "复核意见")
        rating.appeal_status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
        rating.save(update_fields=["review_note", "appeal_status", "updated_at"])
        record_event(rating, "feedback.rating.reviewed",
                     f"复核：{rating.get_appeal_status_display()}。{rating.review_note[:60]}", by=by)
    return rating


# --- Complaints and 12345 orders -----------------------------------------------------------------------

def client_key(address: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()


def _next_number(prefix: str, now) -> str:
    """TS / RX + YYYYMMDD + a five-digit sequence, claimed from the prefix's sequence row the way case numbers
    are (`cases.services.intake.claim_number`: one UPDATE … RETURNING that holds the row until the caller
    commits) — never max()+1, which gives two complaints filed at once the same number."""
    from tongban.cases.services.intake import claim_number

    return claim_number(prefix, timezone.localdate(now))


def submit_complaint(*, title: str, content: str, anonymous: bool, name: str = "", phone: str = "",
                     category: str = "", address: str = "", channel: str = ComplaintChannel.WEB,
                     case: Case | None = None, now=None) -> Complaint:
    """吐槽找茬 from the public form (named or anonymous), limited per address."""
    now = now or timezone.now()
    name, phone = (name or "").strip()[:60], (phone or "").strip()[:20]
    if anonymous:
        name, phone = "", ""
    elif not (name and phone):
        raise feedback_error(E.NAME_OR_PHONE)
    key = client_key(address) if address else ""
    if key:
        limit = FeedbackSettings.load().complaints_per_hour
        if Complaint.objects.filter(client_key=key, received_at__gte=now - timedelta(hours=1)).count() >= limit:
            raise feedback_error(E.TOO_MANY)
    complaint = Complaint(channel=channel, title=_required(title, "标题")[:200], content=_required(content, "内容"),
                          anonymous=anonymous, name=name, phone=phone,
                          category=category if category in ComplaintCategory.values else "",
                          received_at=now, client_key=key, handling_status=HandlingStatus.NEW, case=case)
    with transaction.atomic():
        complaint.number = _next_number("TS", now)
        complaint.save()
        record_event(complaint, "feedback.complaint.received", f"收到投诉（{complaint.get_channel_display()}）", by=None)
    transaction.on_commit(lambda: _tell_office(f"新投诉：{complaint.title}", "请分类交办。", complaint.get_absolute_url()))
    return complaint


HOTLINE_FIELDS = ["title", "content", "name", "phone", "urgency"]


def receive_hotline_order(*, order_number: str, title: str, content: str, name: str = "", phone: str = "",
                          urgency: str = HotlineUrgency.ORDINARY, received_at=None, by=None,
                          keep_edits: bool = True) -> tuple[Complaint, bool]:
    """One 12345 work order, idempotent by its order number: a second delivery updates what nobody has
    edited here since (core.ImportSnapshot) and never moves the handling state. Returns (order, created)."""
    from django.contrib.contenttypes.models import ContentType

    from tongban.core.models import ImportSnapshot

    order_number = _required(order_number, "12345 工单号")[:40]
    values = {"title": _required(title, "标题")[:200], "content": _required(content, "内容"),
              "name": (name or "").strip()[:60], "phone": (phone or "").strip()[:20],
              "urgency": urgency if urgency in HotlineUrgency.values else HotlineUrgency.ORDINARY}
    now = timezone.now()
    with transaction.atomic():
        existing = Complaint.objects.select_for_update().filter(order_number=order_number).first()
        ct = ContentType.objects.get_for_model(Complaint)
        if existing is None:
            complaint = Complaint(channel=ComplaintChannel.HOTLINE, order_number=order_number,
                                  received_at=received_at or now, handling_status=HandlingStatus.NEW,
                                  anonymous=not values["name"], **values)
            complaint.number = _next_number("RX", now)
            complaint.save()
            record_event(complaint, "feedback.hotline.received", f"收到 12345 工单 {order_number}", by=by)
            created = True
        else:
            complaint, created = existing, False
            snapshot = ImportSnapshot.objects.filter(content_type=ct, object_id=complaint.pk).first()
            before = snapshot.values if snapshot else {}
            changed = []
            for field, value in values.items():
                current = getattr(complaint, field)
                edited_here = keep_edits and field in before and before[field] != current
                if current != value and not edited_here:
                    setattr(complaint, field, value)
                    changed.append(field)
            if changed:
                complaint.save(update_fields=[*changed, "updated_at"])
                record_event(complaint, "feedback.hotline.updated", f"12345 工单再次送达，更新：{'、'.join(changed)}",
                             by=by)
        ImportSnapshot.objects.update_or_create(content_type=ct, object_id=complaint.pk,
                                                defaults={"values": values, "imported_at": now,
                                                          "by": by if getattr(by, "pk", None) else None})
    return complaint, created


def return_hotline_answer(complaint: Complaint, *, by) -> Complaint:
    """The unit's answer to a 12345 order is returned to the hotline platform (回传, once per answer): from then
    on the order shows as returned, and the platform reads the answer from the API (`returned_at`). Reopening
    the order (`close(satisfied=False)`) clears `returned_at`, so the next answer is returned too."""
    with transaction.atomic():
        complaint = _locked(complaint)
        if complaint.channel != ComplaintChannel.HOTLINE:
            raise feedback_error(E.NOT_HOTLINE)
        if complaint.returned_at:
            raise feedback_error(E.ALREADY_RETURNED, at=f"{timezone.localtime(complaint.returned_at):%Y-%m-%d %H:%M}")
        _check_status(complaint, [HandlingStatus.ANSWERED, HandlingStatus.CLOSED], "回传答复")
        complaint.returned_at = timezone.now()
        complaint.save(update_fields=["returned_at", "updated_at"])
        record_event(complaint, "feedback.hotline.returned", f"答复已回传 12345 平台（工单 {complaint.order_number}）",
                     by=by)
    return complaint


def publish(complaint: Complaint, *, public_answer: str, by) -> Complaint:
    """Put an answered complaint on the public wall with an answer free of personal data."""
    with transaction.atomic():
        complaint = _locked(complaint)
        _check_status(complaint, [HandlingStatus.ANSWERED, HandlingStatus.CLOSED], "公开")
        complaint.public_answer = _required(public_answer, "公开答复")
        complaint.published = True
        complaint.save(update_fields=["public_answer", "published", "updated_at"])
        record_event(complaint, "feedback.complaint.published", "在群众留言墙公开", by=by)
    return complaint


# --- Callbacks -------------------------------------------------------------------------------------------

def record_callback(item: CallbackItem, *, outcome: str, remarks: str = "", method: str = "", by) -> CallbackItem:
    """One try of a callback: satisfied / unsatisfied end it; not reached counts a try, and after the
    setting's N tries the item is 未接通 (a failed callback). A caller's note without new words keeps the
    last one; an online answer keeps only the applicant's own words (possibly none) — the callers' notes of
    earlier tries stay whole in the timeline (each event's `remarks`), never on the applicant's page."""
    text = (remarks or "").strip()
    with transaction.atomic():
        item = _locked(item)
        if item.outcome != CallbackOutcome.PENDING:
            raise feedback_error(E.NOT_CALLBACK, outcome=item.get_outcome_display())
        item.tries += 1
        item.remarks = text if method == CallbackMethod.ONLINE else (text or item.remarks)
        if method:
            item.method = method
        item.answered_by = by if getattr(by, "pk", None) else None
        item.called_at = timezone.now()
        if outcome == CallbackOutcome.UNREACHED:
            if item.tries >= FeedbackSettings.load().callback_max_tries:
                item.outcome = CallbackOutcome.UNREACHED
        elif outcome in (CallbackOutcome.SATISFIED, CallbackOutcome.UNSATISFIED):
            item.outcome = outcome
            if outcome == CallbackOutcome.UNSATISFIED:
                _required(remarks, "群众意见")
                item.handling_status = HandlingStatus.NEW
        else:
            raise feedback_error(E.TEXT_REQUIRED, what="回访结果")
        item.save()
        record_event(item, "feedback.callback.recorded",
                     f"第 {item.tries} 次回访：{CallbackOutcome(outcome).label}" + (f"，{text[:200]}" if text else ""),
                     by=by, remarks=text)
    return item


def issue_online_callback(item: CallbackItem, *, by) -> str:
    """A private link (shown as a QR code) through which the applicant answers the callback online, without
    logging in. Like the online tracking link: a random token, only its hash stored; issuing again replaces
    the link (the old one stops working). Returns the token."""
    import secrets

    from tongban.cases.services.online import token_key

    with transaction.atomic():
        item = _locked(item)
        if item.outcome != CallbackOutcome.PENDING:
            raise feedback_error(E.NOT_CALLBACK, outcome=item.get_outcome_display())
        token = secrets.token_urlsafe(24)
        item.online_key = token_key(token)
        item.save(update_fields=["online_key", "updated_at"])
        record_event(item, "feedback.callback.link", "生成网上回访二维码", by=by)
    return token


def online_callback_link(token: str, *, absolute: bool = True) -> str:
    path = reverse("feedback:callback_answer", args=[token])
    return settings.SITE_URL.rstrip("/") + path if absolute else path


def callback_for_token(token) -> CallbackItem | None:
    """The callback of a private link, or None (a wrong or malformed token reads like none)."""
    from tongban.cases.services.online import token_key

    if not isinstance(token, str) or not 20 <= len(token) <= 64:
        return None
    return (CallbackItem.objects.filter(online_key=token_key(token))
            .select_related("case", "window").first())


def answer_callback_online(item: CallbackItem, *, satisfied: bool, reasons: Iterable[str] = (),
                           remarks: str = "") -> CallbackItem:
    """The applicant's own answer through the link: recorded by `record_callback` exactly as a phone answer
    (method 网上评价, nobody as the caller), once only; an unsatisfied answer enters the handling loop."""
    labels = [RatingTag(r).label for r in dict.fromkeys(reasons) if r in RatingTag.values]
    text = "；".join(part for part in (("原因：" + "、".join(labels)) if labels else "", (remarks or "").strip()[:2000])
                    if part)
    if item.outcome != CallbackOutcome.PENDING:
        raise feedback_error(E.CALLBACK_ANSWERED, outcome=item.get_outcome_display())
    if not satisfied and not text:
        raise feedback_error(E.TAGS_REQUIRED)
    try:
        item = record_callback(item, outcome=CallbackOutcome.SATISFIED if satisfied else CallbackOutcome.UNSATISFIED,
                               remarks=text, method=CallbackMethod.ONLINE, by=None)
    except ValidationError as exc:
        if getattr(exc, "code", "") == E.NOT_CALLBACK:  # answered meanwhile (by phone, or a second tap)
            item.refresh_from_db(fields=["outcome"])
            raise feedback_error(E.CALLBACK_ANSWERED, outcome=item.get_outcome_display())
        raise
    if not satisfied:  # nobody was on the phone to hear it: the office is told, as for a new 差评
        transaction.on_commit(lambda: _tell_office(
            f"网上回访不满意：{item.case.title}（{item.case.number}）", "请分类交办。", item.get_absolute_url()))
    return item


# --- Notifications ---------------------------------------------------------------------------------------

def _office_users():
    from tongban.org.choices import Role

    return get_user_model().objects.filter(is_active=True, staff__is_active=True,
                                           staff__role__in=[Role.RECTIFICATION_OFFICE])


def _tell_office(title: str, body: str, link: str) -> None:
    from tongban.notifications.services import notify

    notify(list(_office_users()), title=title, body=body, link=link, code="feedback", email=False, channels=False)


def _tell_unit(unit, title: str, body: str, link: str) -> None:
    from tongban.notifications.services import notify

    users = get_user_model().objects.filter(is_active=True, staff__is_active=True, staff__unit=unit)
    notify(list(users), title=title, body=body, link=link, code="feedback", email=False, channels=False)
