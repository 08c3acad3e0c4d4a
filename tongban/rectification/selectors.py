"""Read-side figures of the loop, computed in SQL. The dashboard, the lists, the bulletin and the 公文
all count through these functions, so every figure shown anywhere reconciles (ROADMAP X5):
verified + ongoing + open = total, always, because the three buckets partition the statuses."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from tongban.rectification.choices import OPEN_STATUSES, FindingKind, MeasureStatus, UnitRole
from tongban.rectification.models import Finding, Measure, MeasureUnit

BUCKETS = {
    "verified": Q(status=MeasureStatus.VERIFIED),
    "ongoing": Q(status=MeasureStatus.ONGOING),
    "open": Q(status__in=OPEN_STATUSES),
}
BUCKET_LABELS = {"verified": "已整改到位", "ongoing": "长期持续整改", "open": "未完成"}


@dataclass(frozen=True)
class Buckets:
    total: int
    verified: int
    ongoing: int
    open: int
    pending_signoff: int = 0
    overdue: int = 0

    def __post_init__(self) -> None:
        assert self.verified + self.ongoing + self.open == self.total, "status buckets must partition the total"

    @property
    def percent_verified(self) -> int:
        return round(100 * self.verified / self.total) if self.total else 0


def bucket_aggregates(prefix: str = "") -> dict:
    """Count(...) expressions for each bucket, for `.aggregate()` or `.annotate()` over `prefix`."""
    def cond(q: Q) -> Q:
        if not prefix:
            return q
        return Q(*[(f"{prefix}{key}", value) for key, value in q.children], _connector=q.connector)

    pk = f"{prefix}pk"
    return {
        "total": Count(pk, distinct=True),
        **{name: Count(pk, filter=cond(q), distinct=True) for name, q in BUCKETS.items()},
    }


def measure_buckets(measures: QuerySet[Measure], today: date | None = None) -> Buckets:
    figures = measures.aggregate(
        **bucket_aggregates(), pending_signoff=Count("pk", filter=Q(status=MeasureStatus.PENDING_SIGNOFF))
    )
    overdue = measures.overdue(today).count() if today else 0
    return Buckets(overdue=overdue, **figures)


def finding_counts(findings: QuerySet[Finding]) -> dict[str, int]:
    """{"problem": n, "suggestion": m, "total": n + m}."""
    rows = dict(findings.values_list("kind").annotate(n=Count("pk")).order_by())
    counts = {kind: rows.get(kind, 0) for kind in FindingKind.values}
    counts["total"] = sum(counts.values())
    return counts


def completion_by_aspect(measures: QuerySet[Measure]) -> list[dict]:
    """One row per aspect (in order) with the three buckets, for the stacked bars."""
    rows = (
        measures.values("finding__aspect__number", "finding__aspect__title")
        .annotate(**bucket_aggregates())
        .order_by("finding__aspect__number")
    )
    return [
        {"label": row["finding__aspect__title"] or "（未分方面）", **{k: row[k] for k in ("total", *BUCKETS)}}
        for row in rows
    ]


def completion_by_unit(measures: QuerySet[Measure]) -> list[dict]:
    rows = measures.values("lead_unit__name").annotate(**bucket_aggregates()).order_by("-total", "lead_unit__name")
    return [{"label": row["lead_unit__name"], **{k: row[k] for k in ("total", *BUCKETS)}} for row in rows]


def verified_per_week(measures: QuerySet[Measure], today: date, weeks: int = 12) -> list[dict]:
    """Measures signed off per ISO week, for the last `weeks` weeks up to `today`."""
    monday = today - timedelta(days=today.weekday())
    first = monday - timedelta(weeks=weeks - 1)
    days = (
        measures.filter(status=MeasureStatus.VERIFIED, verified_at__date__gte=first)
        .annotate(day=TruncDate("verified_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_week: dict[date, int] = {}
    for row in days:
        week = row["day"] - timedelta(days=row["day"].weekday())
        per_week[week] = per_week.get(week, 0) + row["n"]
    return [
        {"week": (first + timedelta(weeks=i)).isoformat(), "verified": per_week.get(first + timedelta(weeks=i), 0)}
        for i in range(weeks)
    ]


def responsibility_rows(measures: QuerySet[Measure]) -> QuerySet[MeasureUnit]:
    """责任清单: each unit's role on each measure, by unit then role."""
    return (
        MeasureUnit.objects.filter(measure__in=measures.values("pk"))
        .select_related("unit", "measure", "measure__responsible_leader", "measure__responsible_person",
                        "measure__finding")
        .order_by("unit__path", "role", "measure__deadline", "measure__pk")
    )


def unit_summary(measures: QuerySet[Measure]) -> list[dict]:
    """Per lead unit and leader: how many measures, and in which bucket (the head of the 责任清单)."""
    rows = (
        MeasureUnit.objects.filter(measure__in=measures.values("pk"), role=UnitRole.LEAD)
        .values("unit__name", "measure__responsible_leader__name")
        .annotate(**bucket_aggregates("measure__"))
        .order_by("unit__name", "measure__responsible_leader__name")
    )
    return [
        {"unit": row["unit__name"], "leader": row["measure__responsible_leader__name"] or "",
         **{k: row[k] for k in ("total", *BUCKETS)}}
        for row in rows
    ]
