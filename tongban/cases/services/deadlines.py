"""The daily deadline work: §32 (warn the clerk on working day 4, record the deemed acceptance on day 6) and
容缺 (remind before the supplement deadline, flag the case when it passes). Idempotent for a day: a second run
finds nothing new to do (events are checked, notifications carry dedupe keys)."""
from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Exists, F, OuterRef

from tongban.cases.choices import CaseStatus, MaterialState
from tongban.cases.models import Case, CaseEvent, CaseMaterial, CaseSettings
from tongban.cases.services.common import staff_users, tell_users
from tongban.cases.services.intake import deem_accepted


def intake_deadlines(for_date: date) -> dict:
    """§32 for every case still 待受理: warned from `warn_date` (once per clock start, `intake_warned_for`), deemed accepted once
    `due_date` (the fifth working day) has passed."""
    waiting = Case.objects.filter(status__in=[CaseStatus.RECEIVED, CaseStatus.PRECHECK])
    deemed = 0
    for case in waiting.filter(due_date__lt=for_date).order_by("pk"):
        deem_accepted(case, on=for_date)
        deemed += 1
    with transaction.atomic():
        to_warn = list(waiting.filter(warn_date__lte=for_date, due_date__gte=for_date)
                       .exclude(intake_warned_for=F("clock_start")).select_related("intake_window"))
        Case.objects.filter(pk__in=[c.pk for c in to_warn]).update(intake_warned_for=F("clock_start"))
        for case in to_warn:
            CaseEvent.objects.create(case=case, code="case.intake_warned", message=f"受理期限 {case.due_date.isoformat()} 将到，"
                                     "逾期未受理也未一次性告知的将视为受理", data={"clock_start": case.clock_start.isoformat()})
            tell_users(staff_users(window=case.intake_window_id), title=f"受理期限将到：{case.number}",
                       body=f"{case.applicant_name} 的申请须在 {case.due_date.isoformat()} 前受理或一次性告知补正。",
                       case=case, code="cases.intake_warning", dedupe=f"cases.intake_warning.{case.pk}.{case.clock_start}")
    warned = len(to_warn)
    return {"warned": warned, "deemed": deemed}


def pending_deadlines(for_date: date) -> dict:
    """容缺: remind the intake window before the supplement deadline; flag cases whose deadline passed with
    materials still pending (the delivery then withholds the result when the policy says so)."""
    from tongban.workdays.services import add_workdays

    policy = CaseSettings.load()
    has_pending = Exists(CaseMaterial.objects.filter(case_id=OuterRef("pk"), state=MaterialState.PENDING))
    open_pending = Case.objects.filter(has_pending, pending_due_date__isnull=False).exclude(
        status__in=[CaseStatus.CLOSED, CaseStatus.WITHDRAWN, CaseStatus.REFUSED])
    horizon = add_workdays(for_date, policy.pending_reminder_workdays).date
    reminded = 0
    for case in open_pending.filter(pending_due_date__gte=for_date, pending_due_date__lte=horizon):
        tell_users(staff_users(window=case.intake_window_id), title=f"容缺材料待补齐：{case.number}",
                   body=f"{case.applicant_name} 承诺 {case.pending_due_date.isoformat()} 前补齐容缺材料。", case=case,
                   code="cases.pending_reminder", dedupe=f"cases.pending_reminder.{case.pk}")
        reminded += 1
    with transaction.atomic():
        missed = list(open_pending.filter(pending_due_date__lt=for_date, pending_overdue=False))
        Case.objects.filter(pk__in=[c.pk for c in missed]).update(pending_overdue=True)
        CaseEvent.objects.bulk_create([
            CaseEvent(case=case, code="case.pending_overdue", message=f"容缺材料逾期未补齐（期限 {case.pending_due_date.isoformat()}）")
            for case in missed])
    return {"reminded": reminded, "missed": len(missed)}
