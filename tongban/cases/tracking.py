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

from tongban.cases.choices import MATERIAL_TO_CORRECT, CaseStatus, MaterialState
from tongban.cases.identity import normalise_id_number
from tongban.cases.models import Case, TrackingAttempt

FACTOR_LENGTH = 4
NUMBER_LIMIT = 30

# The status as the applicant reads it.
PUBLIC_STATUS = {
    CaseStatus.RECEIVED: "已收件，等待受理",
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
    case = Case.objects.filter(number=number).select_related("handover").first()
    if case is None or not _matches(case, factor):
        return None
    return present(case)


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
    )


# --- The limit per address ------------------------------------------------------------------------------

def _since():
    return timezone.now() - settings.AXES_COOLOFF_TIME


def is_limited(ip_address: str | None) -> bool:
    """Has this address failed too often within the cool-off? (No address: refused, as nothing can count it.)"""
    if not ip_address:
        return True
    failures = TrackingAttempt.objects.filter(ip_address=ip_address, at__gte=_since()).count()
    return failures >= settings.TRACKING_FAILURE_LIMIT


def record_failure(ip_address: str) -> None:
    TrackingAttempt.objects.filter(at__lt=_since()).delete()  # indexed; keeps the table to one cool-off
    TrackingAttempt.objects.create(ip_address=ip_address)


def cooloff_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME / timedelta(minutes=1)))


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
