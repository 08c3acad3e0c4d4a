"""统一出件 and 撤回."""
from __future__ import annotations

from django.db import transaction

from tongban.cases.choices import CaseStatus, Decision, HandoverMethod, MaterialState, MissedPendingPolicy
from tongban.cases.error_codes import CaseError, case_error
from tongban.cases.models import Case, CaseSettings, Handover, Suspension
from tongban.cases.services.common import check, event, lock, save_and_clock, today
from tongban.cases.services.review import cancel_open_tasks
from tongban.cases.transitions import BLZT_CLOSED_APPROVED, BLZT_CLOSED_DENIED, BLZT_CLOSED_PENDING, BLZT_RECALLED

HANDOVER_NUMBERS = {
    HandoverMethod.PAPER: ("licence_number", "纸质证照编号"),
    HandoverMethod.ELECTRONIC: ("electronic_licence_number", "电子证照编号"),
    HandoverMethod.POST: ("tracking_number", "邮寄单号"),
}


def is_withheld(case: Case) -> bool:
    """容缺 missed: pending materials past their deadline withhold the result when the policy says so."""
    if not case.pending_overdue or not case.materials.filter(state=MaterialState.PENDING).exists():
        return False
    return CaseSettings.load().missed_pending_policy == MissedPendingPolicy.WITHHOLD


@transaction.atomic
def deliver(case: Case, *, by, method: str, licence_number: str = "", electronic_licence_number: str = "",
            tracking_number: str = "", recipient: str = "") -> Case:
    """出件: the handover is recorded (a refusal's decision is handed out too), and the case is 办结."""
    case = lock(case)
    check("deliver", case, by)
    if method not in HandoverMethod.values:
        method = HandoverMethod.PAPER
    numbers = {"licence_number": licence_number.strip(), "electronic_licence_number": electronic_licence_number.strip(),
               "tracking_number": tracking_number.strip()}
    field, label = HANDOVER_NUMBERS[method]
    if case.decision == Decision.APPROVED and not numbers[field] and method != HandoverMethod.PAPER:
        raise case_error(CaseError.HANDOVER_NUMBER, method=HandoverMethod(method).label, field=label)
    if method == HandoverMethod.POST and not numbers["tracking_number"]:
        raise case_error(CaseError.HANDOVER_NUMBER, method=HandoverMethod(method).label, field=label)
    if is_withheld(case):
        raise case_error(CaseError.PENDING_WITHHELD, due=case.pending_due_date.isoformat())
    day = today()
    Handover.objects.create(case=case, method=method, recipient=recipient.strip()[:40], delivered_on=day,
                            delivered_by=by, **{k: v[:80] for k, v in numbers.items()})
    case.status, case.closed_on = CaseStatus.CLOSED, day
    if case.decision == Decision.DENIED:
        blzt = BLZT_CLOSED_DENIED
    elif case.accepted_with_pending:
        blzt = BLZT_CLOSED_PENDING
    else:
        blzt = BLZT_CLOSED_APPROVED
    event(case, "case.delivered", f"出件办结（{HandoverMethod(method).label}）", by=by, blzt=blzt, method=method)
    return save_and_clock(case, ["status", "closed_on"])


@transaction.atomic
def withdraw(case: Case, *, by, reason: str) -> Case:
    """撤回 at the applicant's request, at any point before the decision."""
    case = lock(case)
    check("withdraw", case, by, reason=reason)
    blzt = 2 if case.accepted_on is None else BLZT_RECALLED
    day = today()
    Suspension.objects.filter(case=case, ended_on__isnull=True).update(ended_on=day)
    cancel_open_tasks(case)
    case.status, case.withdrawal_reason, case.closed_on = CaseStatus.WITHDRAWN, reason.strip(), day
    event(case, "case.withdrawn", f"申请人撤回：{reason.strip()}", by=by, blzt=blzt)
    return save_and_clock(case, ["status", "withdrawal_reason", "closed_on"])
