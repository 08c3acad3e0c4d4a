"""What every case service shares: the transition check, the event, the clock refresh, the notices."""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from django.db import transaction
from django.utils import timezone

from tongban.cases import transitions
from tongban.cases.choices import CaseStatus, TaskStatus
from tongban.cases.clocks import refresh_case_clock
from tongban.cases.error_codes import CaseError, case_error
from tongban.cases.models import Case, CaseEvent, CaseTask


_ACTING_ON: ContextVar[date | None] = ContextVar("cases_acting_on", default=None)


def today() -> date:
    """The day the services act on: today, or the day set by `acting_on` (the demo's back-dating)."""
    return _ACTING_ON.get() or timezone.localdate()


@contextmanager
def acting_on(day: date):
    """Run the services as on `day` (`tongban demo` builds three months of cases through the real services)."""
    token = _ACTING_ON.set(day)
    try:
        yield
    finally:
        _ACTING_ON.reset(token)


def actor(by):
    return by if getattr(by, "is_authenticated", False) else None


def lock(case: Case) -> Case:
    """The case, re-read under a row lock: two clerks pressing at once act one after the other."""
    return Case.objects.select_for_update().select_related("intake_unit", "intake_window").get(pk=case.pk)


def check(action: str, case: Case, by, task: CaseTask | None = None, *, reason: str = "") -> transitions.Transition:
    """Refuse an action the transition table does not allow: wrong status, or not the person's role."""
    transition = transitions.TRANSITIONS[action]
    if case.status not in transition.sources:
        raise case_error(CaseError.BAD_TRANSITION, status=CaseStatus(case.status).label, action=transition.label)
    if transition.on_task and task is not None and task.status != TaskStatus.REVIEWING:
        raise case_error(CaseError.TASK_NOT_OPEN, status=TaskStatus(task.status).label, action=transition.label)
    roles = transitions.roles_of(by, case, task)
    if not roles & set(transition.roles):
        names = "或".join(transitions.ROLE_LABELS[r] for r in transition.roles)
        raise case_error(CaseError.NOT_YOUR_ROLE, roles=names, action=transition.label)
    if transition.guard and task is not None and not transitions.GUARDS[transition.guard](task):
        raise guard_error(transition.guard, task)
    if transition.reason_required and not (reason or "").strip():
        raise case_error(CaseError.REASON_REQUIRED, action=transition.label)
    return transition


def guard_error(guard: str, task: CaseTask):
    return {
        "step_open": lambda: case_error(CaseError.STEP_NONE_OPEN),
        "steps_done": lambda: case_error(CaseError.STEPS_OPEN, count=task.steps_before_decision),
        "no_extension": lambda: case_error(CaseError.EXTENSION_PENDING),
        "extension_pending": lambda: case_error(CaseError.NO_EXTENSION_PENDING),
    }[guard]()


def event(case: Case, code: str, message: str, *, by=None, task: CaseTask | None = None,
          blzt: int | None = None, **data) -> CaseEvent:
    if blzt is None:
        blzt = transitions.blzt_of(code)
    return CaseEvent.objects.create(case=case, task=task, code=code, blzt=blzt, message=message[:500],
                                    actor=actor(by), data=data)


def save_and_clock(case: Case, fields: list[str]) -> Case:
    case.save(update_fields=[*fields, "updated_at"])
    return refresh_case_clock(case)


def tell_users(user_ids, *, title: str, body: str, case: Case, code: str, dedupe: str | None = None) -> None:
    """An inbox message (and email / group robot) after the transaction commits."""
    ids = sorted({pk for pk in user_ids if pk})
    if not ids:
        return
    link = case.get_absolute_url()

    def send():
        from tongban.notifications.services import notify

        notify(ids, title=title, body=body, link=link, code=code, dedupe_key=dedupe)

    transaction.on_commit(send)


def staff_users(**filters) -> list[int]:
    from tongban.org.models import Staff

    return list(Staff.objects.filter(is_active=True, user__isnull=False, **filters).values_list("user_id", flat=True))
