"""The queues and figures of case handling: one definition each, used by the pages, the 工作台 and the API."""
from __future__ import annotations

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from tongban.cases.choices import BEFORE_ACCEPTANCE, OPEN_STATUSES, CaseStatus, TaskStatus
from tongban.cases.models import Case, CaseTask, Extension, TaskStep

# Keyset orderings (core.paging): each ends in a unique field and its columns are never NULL in the queue.
# Green-channel projects' cases first in every queue (`priority`, projects app), then the usual order.
INTAKE_ORDER = ["-priority", "-number"]
REVIEW_ORDER = ["-priority", "due_date", "pk"]
DELIVERY_ORDER = ["-priority", "decided_on", "pk"]
LIST_ORDER = ["-number"]


def listed_cases(user, data) -> QuerySet[Case]:
    """办件查询's rows for `user` and the query string `data`: the scope layer, then the one FilterSet (an
    invalid filter lists nothing). The list's export reads exactly these rows."""
    from tongban.cases.filtersets import CaseFilterSet

    return CaseFilterSet(data or None, queryset=Case.objects.visible_to(user), user=user).qs


# The columns the long lists show (cases/rows.py), keyset keys included: a page of 50
# rows built every model's every column (the item's catalogue text, the unit's address…), a third of the
# time of the 待审查 page at 1M cases.
ROW_FIELDS = ("number", "title", "applicant_kind", "applicant_name", "id_type", "id_number", "phone",
              "intake_window__name", "received_on", "due_date", "warn_date", "decided_on", "status", "pending_overdue",
              "priority", "channel")
TASK_ROW_FIELDS = ("case__number", "case__applicant_name", "case__status", "item__name", "unit__name", "status",
                   "opened_on", "due_date", "priority")


def reviewing_units(case_ids) -> dict[int, list[str]]:
    """{case id: the names of the units reviewing its tasks (审查部门), in stage order}, for a page of cases in one
    query: a leader over some units sees why a case received elsewhere is in their list."""
    units: dict[int, list[str]] = {}
    rows = (CaseTask.objects.filter(case_id__in=list(case_ids)).exclude(status=TaskStatus.CANCELLED)
            .order_by("case_id", "stage", "pk").values_list("case_id", "unit__name"))
    for case_id, name in rows:
        names = units.setdefault(case_id, [])
        if name not in names:
            names.append(name)
    return units


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


# --- Counts that stay cheap at a million cases ------------------------------------------------------------
#
# A page view never counts a whole scope exactly: one GROUP BY over a million cases is most of a second (issue
# 10, Open Zaak's measured bottleneck). A count reads at most COUNT_CAP + 1 rows (`… LIMIT 1001`, served by the
# status indexes); up to the cap the figure is exact, above it PostgreSQL's planner estimates it (shown 约,
# from the table statistics: EXPLAIN, nothing executed) and elsewhere the page says 1,000 以上.

COUNT_CAP = 1000


class Tally(int):
    """A count as the page shows it: `exact` up to COUNT_CAP, above it an estimate (`estimated`) or only
    "more than the cap". It is the int (the estimate, or the cap) for sums and comparisons."""

    exact: bool = True
    estimated: bool = False

    def __new__(cls, value: int, *, exact: bool = True, estimated: bool = False) -> Tally:
        tally = super().__new__(cls, value)
        tally.exact, tally.estimated = exact, estimated
        return tally

    @property
    def label(self) -> str:
        if self.exact:
            return f"{int(self):,}"
        return f"约 {int(self):,}" if self.estimated else f"{int(self):,} 以上"

    def __str__(self) -> str:  # what a template shows
        return self.label

    @classmethod
    def total(cls, tallies) -> Tally:
        tallies = list(tallies)
        return cls(sum(tallies), exact=all(t.exact for t in tallies),
                   estimated=any(t.estimated for t in tallies) and all(t.exact or t.estimated for t in tallies))


def bounded_count(qs: QuerySet) -> Tally:
    """The rows of `qs`, reading at most COUNT_CAP + 1 of them."""
    seen = qs.order_by()[:COUNT_CAP + 1].count()
    if seen <= COUNT_CAP:
        return Tally(seen)
    estimate = planner_estimate(qs)
    if estimate is None:
        return Tally(COUNT_CAP, exact=False)
    return Tally(max(estimate, COUNT_CAP + 1), exact=False, estimated=True)


def planner_estimate(qs: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows of `qs` (EXPLAIN: planned from the statistics, not run); None
    elsewhere."""
    from django.db import connections

    connection = connections[qs.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = qs.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def status_counts(qs: QuerySet[Case], *, per_status: bool = True) -> dict[str, Tally]:
    """{status: count} over `qs`, never reading more than a bounded number of rows (a GROUP BY would read
    every case of the scope).

    `per_status`: one bounded count per status, each an index range of at most COUNT_CAP + 1 rows — for
    a filter the indexes serve alone (the whole county, one receiving unit). Otherwise — a scope of units,
    read through cases.CaseUnit (a probe per case row; before it, a hash of every task of the scope per
    query) — one query: the statuses of at most COUNT_CAP + 1 rows; all exact when there are no more, else
    each status estimated (PostgreSQL) or unknown."""
    if per_status:
        counts = {}
        bounded = _per_status(qs, lambda q: q.order_by().values("pk")[:COUNT_CAP + 1], "SELECT COUNT(*) FROM ({}) bounded")
        for status, seen in bounded.items():
            counts[status] = Tally(seen) if seen <= COUNT_CAP else None
        over = {status for status, tally in counts.items() if tally is None}
        estimates = _estimates(qs, over) if over else {}
        for status in over:
            estimate = estimates.get(status)
            counts[status] = (Tally(COUNT_CAP, exact=False) if estimate is None
                              else Tally(max(estimate, COUNT_CAP + 1), exact=False, estimated=True))
        return counts
    first = qs.order_by().values_list("status", flat=True)[:COUNT_CAP + 1]
    seen: dict[str, int] = {}
    for status in first:
        seen[status] = seen.get(status, 0) + 1
    if sum(seen.values()) <= COUNT_CAP:
        return {status: Tally(seen.get(status, 0)) for status in CaseStatus.values}
    estimates = _estimates(qs, CaseStatus.values)
    return {status: (Tally(estimates[status], exact=False, estimated=True) if estimates.get(status) is not None
                     else Tally(seen.get(status, 0), exact=False)) for status in CaseStatus.values}


_STATUS_MARK = "\x01status"  # stands for each status in the SQL compiled once (`_per_status`)


def _per_status(qs: QuerySet, shape, template: str, statuses=None) -> dict[str, object]:
    """{status: the first column of the first row of `template` around `shape(qs.filter(status=status))`} for
    each status. The SQL is compiled once and run with each status as its parameter: the ORM's compiling of
    nine near-identical queries was a fifth of the CPU of the case list's first page."""
    from django.db import connections

    sql, params = shape(qs.filter(status=_STATUS_MARK)).query.sql_with_params()
    params = list(params)
    where = [i for i, value in enumerate(params) if value == _STATUS_MARK]
    results = {}
    with connections[qs.db].cursor() as cursor:
        for status in statuses if statuses is not None else CaseStatus.values:
            for i in where:
                params[i] = status
            cursor.execute(template.format(sql), params)
            results[status] = cursor.fetchone()[0]
    return results


def _estimates(qs: QuerySet, statuses) -> dict[str, int | None]:
    """`planner_estimate` of `qs` for each of `statuses`, compiled once; {} off PostgreSQL."""
    from django.db import connections

    if connections[qs.db].vendor != "postgresql":
        return {}
    plans = _per_status(qs, lambda q: q.order_by().values("pk"), "EXPLAIN (FORMAT JSON) {}", statuses)
    return {status: int((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])
            for status, plan in plans.items()}


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


# --- 15 分钟政务服务圈: what each outlet and township handled in a month (M16) ------------------------------

LOCAL_KINDS = ("township", "village", "outlet")


def month_bounds(text, today: date) -> tuple[date, date]:
    """The first and last day of the month `YYYY-MM` (this month when empty), read by the one parser
    (`core.months`); anything else is refused with its Chinese ValidationError."""
    import calendar

    from tongban.core.months import MonthError, parse_month

    try:
        first = parse_month(text, today)
    except MonthError as exc:
        raise ValidationError(str(exc), code="month") from None
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def local_sites(user):
    """The townships, village points and outlets in the reader's scope, in tree order."""
    from tongban.org.models import Unit

    return (Unit.objects.visible_to(user).filter(kind__code__in=LOCAL_KINDS, is_active=True)
            .select_related("kind").order_by("path"))


def channel_month(user, first: date, last: date) -> dict:
    """{"sites": [rows], "channels": {channel: count}, "totals": {...}} for the cases received from `first` to
    `last`: per local site (township, village point, outlet) the cases it took (收件: it was the first hop),
    of which forwarded on (转出), the cases forwarded to it (转入), and the cases it closed (办结) — four
    GROUP BY queries whatever the number of sites; and the cases in scope by channel."""
    from django.db.models import Count, F
    from django.db.models.functions import Coalesce

    sites = list(local_sites(user))
    ids = [s.pk for s in sites]
    in_month = Q(received_on__gte=first, received_on__lte=last)
    took = (Case.objects.filter(in_month).annotate(hop=Coalesce("first_unit_id", "intake_unit_id"))
            .filter(hop__in=ids).values("hop")
            .annotate(n=Count("pk"), out=Count("pk", filter=Q(first_unit__isnull=False))).order_by())
    took = {row["hop"]: row for row in took}
    came = dict(Case.objects.filter(in_month, first_unit__isnull=False, intake_unit_id__in=ids)
                .exclude(first_unit_id=F("intake_unit_id")).values("intake_unit_id").annotate(n=Count("pk"))
                .order_by().values_list("intake_unit_id", "n"))
    closed = dict(Case.objects.filter(status=CaseStatus.CLOSED, closed_on__gte=first, closed_on__lte=last,
                                      intake_unit_id__in=ids).values("intake_unit_id").annotate(n=Count("pk"))
                  .order_by().values_list("intake_unit_id", "n"))
    rows = []
    for site in sites:
        row = took.get(site.pk, {})
        rows.append({"unit": site, "received": row.get("n", 0), "forwarded_out": row.get("out", 0),
                     "forwarded_in": came.get(site.pk, 0), "closed": closed.get(site.pk, 0)})
    channels = dict(Case.objects.visible_to(user).filter(in_month).values("channel").annotate(n=Count("pk"))
                    .order_by().values_list("channel", "n"))
    keys = ("received", "forwarded_out", "forwarded_in", "closed")
    totals = {key: sum(r[key] for r in rows) for key in keys}
    return {"sites": rows, "channels": channels, "totals": totals, "townships": _by_township(rows, keys)}


def _by_township(rows: list[dict], keys: tuple[str, ...]) -> list[dict]:
    """The site rows rolled up to their township (or sub-centre, else the centre) by the one definition,
    `org.sites.site_of_units` — the same roll-up as the supervision duty page's 今日收件与办结."""
    from tongban.org.sites import site_of_units

    site_of, sites = site_of_units()
    rolled: dict[int, dict] = {}
    for row in rows:
        site = site_of.get(row["unit"].pk, row["unit"].pk)
        bucket = rolled.setdefault(site, {"unit": sites.get(site, row["unit"]), **dict.fromkeys(keys, 0)})
        for key in keys:
            bucket[key] += row[key]
    return sorted(rolled.values(), key=lambda r: r["unit"].path)
