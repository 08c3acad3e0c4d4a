"""Read-side figures of the loop, computed in SQL over stored, indexed columns. The dashboard, the
inspection page, the four lists, the overdue list, the API, the weekly reminders, the monthly bulletins
and both 公文 count through these functions, so every figure shown anywhere reconciles (ROADMAP X5).

Every bucket is defined once, here (`bucket_q`):

    verified         已整改到位       status verified (销号)
    ongoing          长期持续整改     status ongoing
    open             未完成           every other status: not started, in progress (also after a 退回 or a
                                      回头看 reopening), awaiting sign-off
    pending_signoff  申请销号待审核   open and awaiting sign-off
    overdue          逾期             open and due before today
    overdue_ongoing  时间节点逾期     ongoing and past a checkpoint not yet reported — its own line, never
                                      counted in `overdue` (an ongoing measure is not unfinished work)

verified + ongoing + open = total, overdue ≤ open, pending_signoff ≤ open, overdue_ongoing ≤ ongoing:
the three status buckets partition the measures, and the others are subsets of one of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from tongban.rectification.choices import OPEN_STATUSES, FindingKind, MeasureStatus
from tongban.rectification.models import Finding, Measure, MeasureUnit

STATUS_BUCKETS = ("verified", "ongoing", "open")
BUCKET_LABELS = {"verified": "已整改到位", "ongoing": "长期持续整改", "open": "未完成"}
CLOCK_BUCKETS = ("overdue", "overdue_ongoing")
FIGURE_LABELS = {**BUCKET_LABELS, "pending_signoff": "申请销号待审核", "overdue": "逾期",
                 "overdue_ongoing": "时间节点逾期"}


def bucket_q(today: date | None = None, *, prefix: str = "", verified: Q | None = None) -> dict[str, Q]:
    """The condition of every bucket, over `prefix` (e.g. "measure__" from MeasureUnit).

    `today`: also the clock buckets (overdue, overdue_ongoing), due before that day. `verified`: what
    counts as signed off, when not the status (the monthly bulletin: signed off before the month's end).
    """
    def field(name: str) -> str:
        return f"{prefix}{name}"

    status = field("status")
    if verified is None:  # by status: plain equality / IN, so (status, due_date) is an index seek
        done = Q(**{status: MeasureStatus.VERIFIED})
        ongoing = Q(**{status: MeasureStatus.ONGOING})
        open_ = Q(**{f"{status}__in": OPEN_STATUSES})
        pending = Q(**{status: MeasureStatus.PENDING_SIGNOFF})
    else:
        done = verified
        ongoing = Q(**{status: MeasureStatus.ONGOING}) & ~done
        open_ = ~done & ~Q(**{status: MeasureStatus.ONGOING})
        pending = Q(**{status: MeasureStatus.PENDING_SIGNOFF}) & ~done
    buckets = {"verified": done, "ongoing": ongoing, "open": open_, "pending_signoff": pending}
    if today is not None:
        past_due = Q(**{field("due_date__lt"): today})
        buckets["overdue"] = open_ & past_due
        buckets["overdue_ongoing"] = ongoing & past_due
    return buckets


def past_due_q(today: date) -> Q:
    """Overdue or overdue ongoing — not verified and due before `today` (the statuses partition, so
    this equals `overdue | overdue_ongoing`, written so the index on due_date serves it in due order)."""
    return Q(due_date__lt=today) & ~Q(status=MeasureStatus.VERIFIED)


def bucket_aggregates(today: date | None = None, *, prefix: str = "", verified: Q | None = None) -> dict:
    """Count(...) of `total` and every bucket, for `.aggregate()` or `.annotate()` over `prefix`.

    Counted distinct only across a join (`prefix`), where one measure may appear on several rows.
    """
    pk = f"{prefix}pk" if prefix else "pk"
    distinct = bool(prefix)
    return {
        "total": Count(pk, distinct=distinct),
        **{name: Count(pk, filter=q, distinct=distinct)
           for name, q in bucket_q(today, prefix=prefix, verified=verified).items()},
    }


@dataclass(frozen=True)
class Buckets:
    total: int
    verified: int
    ongoing: int
    open: int
    pending_signoff: int = 0
    overdue: int = 0
    overdue_ongoing: int = 0

    def __post_init__(self) -> None:
        assert self.verified + self.ongoing + self.open == self.total, "status buckets must partition the total"
        assert self.overdue <= self.open and self.pending_signoff <= self.open, "overdue and pending are open"
        assert self.overdue_ongoing <= self.ongoing, "overdue ongoing measures are ongoing"

    @property
    def percent_verified(self) -> int:
        return round(100 * self.verified / self.total) if self.total else 0

    @property
    def past_due(self) -> int:
        """What the overdue list shows: overdue, and ongoing measures past a checkpoint."""
        return self.overdue + self.overdue_ongoing


def measure_buckets(measures: QuerySet[Measure], today: date | None = None, *, verified: Q | None = None) -> Buckets:
    """Every figure of `measures` in one query (the clock buckets only with `today`)."""
    return Buckets(**measures.aggregate(**bucket_aggregates(today, verified=verified)))


def finding_counts(findings: QuerySet[Finding]) -> dict[str, int]:
    """{"problem": n, "suggestion": m, "total": n + m}."""
    rows = dict(findings.values_list("kind").annotate(n=Count("pk")).order_by())
    counts = {kind: rows.get(kind, 0) for kind in FindingKind.values}
    counts["total"] = sum(counts.values())
    return counts


def completion_by_aspect(measures: QuerySet[Measure]) -> list[dict]:
    """One row per aspect (in order) with the three buckets, for the stacked bars; measures whose finding
    has no aspect last, on every database (SQLite sorts NULL first, PostgreSQL last)."""
    rows = (
        measures.values("finding__aspect__number", "finding__aspect__title")
        .annotate(**_status_aggregates())
        .order_by(F("finding__aspect__number").asc(nulls_last=True))
    )
    return [
        {"label": row["finding__aspect__title"] or "（未分方面）", **{k: row[k] for k in ("total", *STATUS_BUCKETS)}}
        for row in rows
    ]


def completion_by_unit(measures: QuerySet[Measure], limit: int | None = None) -> list[dict]:
    rows = measures.values("lead_unit__name").annotate(**_status_aggregates()).order_by("-total", "lead_unit__name")
    if limit is not None:
        rows = rows[:limit]
    return [{"label": row["lead_unit__name"], **{k: row[k] for k in ("total", *STATUS_BUCKETS)}} for row in rows]


def _status_aggregates() -> dict:
    aggregates = bucket_aggregates()
    return {name: aggregates[name] for name in ("total", *STATUS_BUCKETS)}


def verified_per_week(measures: QuerySet[Measure], today: date, weeks: int = 12) -> list[dict]:
    """Measures signed off per ISO week, for the last `weeks` weeks up to `today`: one query with a
    count per week over a range of the column (no per-row date conversion)."""
    monday = today - timedelta(days=today.weekday())
    starts = [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    bounds = [timezone.make_aware(datetime.combine(day, time.min)) for day in [*starts, monday + timedelta(weeks=1)]]
    counts = measures.aggregate(**{
        f"w{i}": Count("pk", filter=Q(status=MeasureStatus.VERIFIED, verified_at__gte=bounds[i],
                                      verified_at__lt=bounds[i + 1]))
        for i in range(weeks)
    })
    return [{"week": start.isoformat(), "verified": counts[f"w{i}"]} for i, start in enumerate(starts)]


def responsibility_rows(measures: QuerySet[Measure]) -> QuerySet[MeasureUnit]:
    """责任清单: each unit's role on each measure, by unit then role."""
    return (
        MeasureUnit.objects.filter(measure__in=measures.values("pk"))
        .select_related("unit", "measure", "measure__responsible_leader", "measure__responsible_person",
                        "measure__finding")
        .order_by("unit__path", "role", "measure__deadline", "measure__pk")
    )


def verified_with_unresolved_signals(measures) -> int:
    """Signed off (已整改到位) measures among `measures` that carry a signal nobody has looked into yet: the
    figure the dashboard and the 整改进展情况报告 show beside "已整改到位" (issue 16)."""
    from tongban.rectification.models import Signal

    return measures.filter(status=MeasureStatus.VERIFIED,
                           pk__in=Signal.objects.unresolved().values("measure_id")).count()
