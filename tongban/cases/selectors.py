"""The queues and figures of case handling: one definition each, used by the pages, the 工作台 and the API."""
from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from tongban.cases.choices import BEFORE_ACCEPTANCE, OPEN_STATUSES, CaseStatus, TaskStatus
from tongban.cases.models import Case, CaseTask, Extension, TaskStep

# Keyset orderings (core.paging): each ends in a unique field and its columns are never NULL in the queue.
INTAKE_ORDER = ["-number"]
REVIEW_ORDER = ["due_date", "pk"]
DELIVERY_ORDER = ["decided_on", "pk"]
LIST_ORDER = ["-number"]


def listed_cases(user, data) -> QuerySet[Case]:
    """办件查询's rows for `user` and the query string `data`: the scope layer, then the one FilterSet (an
    invalid filter lists nothing). The list's export reads exactly these rows."""
    from tongban.cases.filtersets import CaseFilterSet

    return CaseFilterSet(data or None, queryset=Case.objects.visible_to(user), user=user).qs


def list_rows(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("intake_window", "intake_unit")


def intake_queue(user, today: date) -> QuerySet[Case]:
    """The clerk's window: today's cases and every case still waiting for 受理 or for 补正."""
    staff = getattr(user, "staff", None)
    window_id = getattr(staff, "window_id", None)
    if window_id is None:
        return Case.objects.none()
    mine = Case.objects.visible_to(user).filter(intake_window_id=window_id)
    return list_rows(mine.filter(Q(status__in=BEFORE_ACCEPTANCE) | Q(received_on=today)))


def review_queue(user) -> QuerySet[CaseTask]:
    """A department's 待审查: its open tasks, soonest due first (suspended cases stay in the list, marked)."""
    return (CaseTask.objects.visible_to(user).filter(status=TaskStatus.REVIEWING)
            .select_related("case", "item", "unit"))


def delivery_queue(user) -> QuerySet[Case]:
    """待出件 at the user's delivery window (a leader sees every one in scope)."""
    qs = Case.objects.visible_to(user).filter(status=CaseStatus.READY)
    staff = getattr(user, "staff", None)
    if getattr(staff, "window_id", None) and staff.window.kind == "delivery":
        qs = qs.filter(delivery_window_id=staff.window_id)
    return list_rows(qs)


def status_counts(qs: QuerySet[Case]) -> dict[str, int]:
    """{status: count} over the visible cases (one GROUP BY on the indexed status)."""
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in CaseStatus.values}


def overdue_q(today: date) -> Q:
    """超期: still being worked on and past the stored due date (待出件 has its own 10-day rule, §44)."""
    return Q(status__in=[s for s in OPEN_STATUSES if s != CaseStatus.READY], due_date__lt=today)


def delivery_overdue_q(today: date) -> Q:
    """出件超期 (§44): decided, not yet handed out, past the stored delivery due date."""
    return Q(status=CaseStatus.READY, delivery_due_date__lt=today)


def step_overdue_q(today: date) -> Q:
    """环节超时 over `TaskStep`: the current step of an open task past its own stored due date."""
    return Q(status="current", due_date__lt=today, task__status=TaskStatus.REVIEWING)


def due_soon_q(today: date) -> Q:
    """临期: past the stored warning date, not yet overdue."""
    return Q(status__in=[s for s in OPEN_STATUSES if s != CaseStatus.READY], warn_date__lte=today, due_date__gte=today)


def extension_requests(user) -> QuerySet[Extension]:
    """延长审批期限 waiting for `user` as 负责人 (§42): a centre leader's or administrator's every one; a unit head's
    those on tasks of the departments under them (the `head` role of the transition table)."""
    from tongban.org.choices import Role
    from tongban.org.scopes import scope_for

    pending = Extension.objects.filter(status="pending").select_related("case", "task__item", "task__unit", "requested_by")
    scope = scope_for(user)
    if user.is_superuser or scope.role in (Role.CENTER_LEADER, Role.SYSTEM_ADMIN):
        return pending
    staff = getattr(user, "staff", None)
    if scope.role != Role.UNIT_HEAD or staff is None:
        return pending.none()
    return pending.filter(task__unit__path__startswith=staff.unit.path)


def late_steps(qs: QuerySet[Case], today: date) -> QuerySet[TaskStep]:
    """环节超时 among the cases of `qs`."""
    return TaskStep.objects.filter(step_overdue_q(today), task__case__in=qs.order_by().values("pk"))
