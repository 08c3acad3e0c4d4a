"""办件进度查询: what an applicant may learn about their case without logging in.

The applicant types the case number and a second factor — the last four characters of the applicant's ID
number or credit code, or the last four digits of the phone. A wrong number and a wrong factor get the same
answer (`None`: "查无此件"), and an address that fails `TRACKING_FAILURE_LIMIT` times within the login
cool-off (`AXES_COOLOFF_TIME`) is refused until it passes, as core.lockout limits logins by address.

What is shown (`PublicCase`) is chosen for a stranger holding the printed notice: the item or bundle, the
status in plain words, the dates, the due date, the names of the materials still owed (补正 / 容缺) and,
once handed over, how. Never the applicant's identifiers or phone, never staff names, never reasons typed
by staff.

The printed notices link here (`tracking_link`); the public page that answers is registered by the portal
(`register_page`), so this app does not depend on the one above it.
"""
from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone

from tongban.cases.choices import MATERIAL_TO_CORRECT, ONLINE_CHANNELS, CaseStatus, MaterialState
from tongban.cases.identity import normalise_id_number
from tongban.cases.models import Case, TrackingAttempt

FACTOR_LENGTH = 4
NUMBER_LIMIT = 30

# The status as the applicant reads it.
PUBLIC_STATUS = {
    CaseStatus.RECEIVED: "已收件，等待受理",
    CaseStatus.PRECHECK: "网上申请已提交，工作人员正在预审",
    CaseStatus.CORRECTING: "材料需要补正，请按一次性告知书补齐后再来",
    CaseStatus.REFUSED: "不予受理（详见不予受理决定书）",
    CaseStatus.REVIEWING: "已受理，正在审查",
    CaseStatus.SUSPENDED: "已受理，正在进行特别程序（听证、检验、鉴定等，所需时间不计入办理时限）",
    CaseStatus.READY: "审批已完成，请按通知领取结果",
    CaseStatus.CLOSED: "已办结",
    CaseStatus.WITHDRAWN: "已撤回",
}


@dataclass
class PublicCase:
    number: str
    title: str
    is_bundle: bool
    status: str
    status_text: str
    received_on: date
    accepted_on: date | None
    closed_on: date | None
    due_date: date | None
    decision: str = ""
    to_correct: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    pending_due: date | None = None
    delivered_on: date | None = None
    delivery: str = ""
    channel: str = ""
    timeline: list[tuple] = field(default_factory=list)  # (time, plain words)
    collect_at: str = ""  # where the result is handed out
    intake_due: date | None = None  # 待受理 / 网上预审: the §32 day by which the window answers
    online: bool = False  # the applicant may answer a correction notice here (全程网办 / 掌上办)


# The timeline as the applicant reads it: plain words for each event, nothing typed by staff, no names.
PUBLIC_EVENTS = {
    "case.received": "窗口已收件",
    "case.submitted_online": "网上申请已提交",
    "case.forwarded": "已转送至{to}",
    "case.correction_notified": "一次性告知：材料需要补正",
    "case.corrected": "补正材料已收齐",
    "case.corrected_online": "已在网上上传补正材料",
    "case.accepted": "已受理",
    "case.accepted_pending": "已容缺受理（部分材料可后补）",
    "case.deemed_accepted": "依法视为受理",
    "case.refused": "不予受理",
    "case.pending_supplied": "容缺材料已补齐",
    "case.task_approved": "部门审查完成",
    "case.task_denied": "部门审查完成",
    "case.suspended": "进入特别程序（所需时间不计入办理时限）",
    "case.resumed": "特别程序结束，继续审查",
    "case.extension_approved": "经批准延长审批期限",
    "case.decided": "审批决定已作出",
    "case.delivered": "已办结，结果已送达",
    "case.withdrawn": "申请已撤回",
}


def normalise_number(text) -> str:
    return "".join(text.split()).upper()[:NUMBER_LIMIT + 1] if isinstance(text, str) else ""


def normalise_factor(text) -> str:
    return normalise_id_number(text) if isinstance(text, str) else ""


def _matches(case: Case, factor: str) -> bool:
    """The last four of the ID number or credit code, or of the phone's digits; compared in constant time."""
    if len(factor) != FACTOR_LENGTH:
        return False
    phone_digits = "".join(ch for ch in case.phone if ch.isdigit())
    candidates = [normalise_id_number(case.id_number)[-FACTOR_LENGTH:], phone_digits[-FACTOR_LENGTH:]]
    found = False
    for candidate in candidates:
        if len(candidate) == FACTOR_LENGTH:
            found |= hmac.compare_digest(candidate.encode(), factor.encode())
    return found


def find(number, factor) -> PublicCase | None:
    """The case as the public sees it, or None for a wrong number, a wrong factor or bad input alike."""
    number, factor = normalise_number(number), normalise_factor(factor)
    if not number or len(number) > NUMBER_LIMIT or not number.isalnum():
        return None
    case = (Case.objects.filter(number=number)
            .select_related("handover", "delivery_window__unit", "intake_window__unit").first())
    if case is None or not _matches(case, factor):
        return None
    return present(case)


def timeline(case: Case) -> list[tuple]:
    """The case's public timeline: one query over its events, the forwarding hops named by their unit."""
    from tongban.org.models import Unit

    rows = list(case.events.filter(code__in=list(PUBLIC_EVENTS)).order_by("at", "pk").values_list("at", "code", "data"))
    units = dict(Unit.objects.filter(pk__in=[d.get("to_unit") for _, c, d in rows if c == "case.forwarded"])
                 .values_list("pk", "name")) if any(c == "case.forwarded" for _, c, _ in rows) else {}
    return [(at, PUBLIC_EVENTS[code].format(to=units.get((data or {}).get("to_unit"), "承办单位"))) for at, code, data in rows]


def collect_at(case: Case) -> str:
    """Where the result is handed out (统一出件): the delivery window and its place."""
    window = case.delivery_window or case.intake_window
    if window is None:
        return ""
    unit = window.unit
    place = "，".join(p for p in (window.location, unit.address) if p)
    return f"{unit.name} {window.name}" + (f"（{place}）" if place else "")


def present(case: Case) -> PublicCase:
    materials = list(case.materials.filter(state__in=[*MATERIAL_TO_CORRECT, MaterialState.PENDING])
                     .order_by("sort_order", "pk").values_list("name", "state"))
    handover = getattr(case, "handover", None) if case.status == CaseStatus.CLOSED else None
    open_after_acceptance = case.status in (CaseStatus.REVIEWING, CaseStatus.SUSPENDED)
    return PublicCase(
        number=case.number, title=case.title, is_bundle=case.bundle_id is not None, status=case.status,
        status_text=PUBLIC_STATUS.get(case.status, case.get_status_display()),
        received_on=case.received_on, accepted_on=case.accepted_on, closed_on=case.closed_on,
        due_date=case.due_date if open_after_acceptance else None,
        decision=case.get_decision_display() if case.decision else "",
        to_correct=[name for name, state in materials if state in MATERIAL_TO_CORRECT]
        if case.status == CaseStatus.CORRECTING else [],
        pending=[name for name, state in materials if state == MaterialState.PENDING],
        pending_due=case.pending_due_date if any(state == MaterialState.PENDING for _, state in materials) else None,
        delivered_on=handover.delivered_on if handover else None,
        delivery=handover.get_method_display() if handover else "",
        channel=case.get_channel_display(),
        timeline=timeline(case),
        collect_at=collect_at(case) if case.status not in (CaseStatus.REFUSED, CaseStatus.WITHDRAWN) else "",
        intake_due=case.due_date if case.status in (CaseStatus.RECEIVED, CaseStatus.PRECHECK) else None,
        online=case.channel in ONLINE_CHANNELS,
    )



# --- The limit per address ------------------------------------------------------------------------------

Kind = TrackingAttempt.Kind


def _limit(kind: str) -> tuple[int, timedelta]:
    """(how many, within what window) for one kind of attempt."""
    if kind == Kind.APPLY:
        return settings.APPLY_LIMIT_PER_HOUR, timedelta(hours=1)
    if kind == Kind.SEAL_CHECK:
        return settings.SEAL_CHECK_LIMIT_PER_HOUR, timedelta(hours=1)
    return settings.TRACKING_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME  # tracking, callback: the same numbers


def _since(kind: str = Kind.TRACKING):
    return timezone.now() - _limit(kind)[1]


def is_limited(ip_address: str | None, kind: str = Kind.TRACKING) -> bool:
    """Has this address made too many attempts of this kind within its window (for the tracking page: failed
    lookups within the cool-off)? (No address: refused, as nothing can count it.)"""
    if not ip_address:
        return True
    attempts = TrackingAttempt.objects.filter(ip_address=ip_address, kind=kind, at__gte=_since(kind)).count()
    return attempts >= _limit(kind)[0]


def record_failure(ip_address: str, kind: str = Kind.TRACKING) -> None:
    """Count one attempt of this kind from this address (for the tracking page: a failed lookup)."""
    TrackingAttempt.objects.filter(kind=kind, at__lt=_since(kind)).delete()  # keeps the table to one window
    TrackingAttempt.objects.create(ip_address=ip_address, kind=kind)


def limited_message(kind: str = Kind.TRACKING) -> str:
    minutes = max(1, int(_limit(kind)[1] / timedelta(minutes=1)))
    what = {Kind.APPLY: "提交次数", Kind.SEAL_CHECK: "核验次数", Kind.CALLBACK: "回访链接错误次数"}.get(kind, "查询失败次数")
    return f"{what}过多，请 {minutes} 分钟后再试，或拨打 12345 咨询。"


# --- The link on the printed notices ---------------------------------------------------------------------

_page: Callable[[], str] | None = None


def register_page(path: Callable[[], str]) -> None:
    """The public app names the path of its tracking page (portal.apps)."""
    global _page
    _page = path


def tracking_link(case: Case) -> str:
    """The address printed on every notice: the public tracking page with the number filled in (the staff
    case page when no public page is installed)."""
    base = settings.SITE_URL.rstrip("/")
    if _page is None:
        return f"{base}{case.get_absolute_url()}"
    return f"{base}{_page()}?{urlencode({'number': case.number})}"
