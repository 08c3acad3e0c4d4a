"""Every figure of the public's voice, one selector each: the page, the API, the bulletin and the portal
read the same functions (docs/feedback.md)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from tongban.feedback.choices import (
    BAD_LEVELS, OPEN_HANDLING, CallbackOutcome, ComplaintChannel, HandlingStatus, Level, RatingChannel, RatingTag,
)
from tongban.feedback.models import CallbackItem, Complaint, Rating
from tongban.feedback.sampling import month_start, next_month


# --- 按期 (on time), defined once --------------------------------------------------------------------------

def on_time_counts(within: Q | None = None) -> dict[str, Count]:
    """The aggregates of 按期 for a queryset of handled records (差评, complaints, callbacks), used by every
    figure that shows it (the monthly figures, the loop's sources): `assigned` = records 交办 to a unit,
    `on_time` = those whose first answer came by their due date (`answered_on_time`, stored at the first
    answer; a reopened record keeps it). The rate is `on_time_rate(on_time, assigned)`."""
    within = within if within is not None else Q()
    return {"assigned": Count("pk", filter=within & Q(assigned_at__isnull=False)),
            "on_time": Count("pk", filter=within & Q(answered_on_time=True))}


def on_time_rate(on_time: int, assigned: int) -> int | None:
    return round(100 * on_time / assigned) if assigned else None


# --- The monthly published figures (portal page, bulletin) -----------------------------------------------

@dataclass
class MonthlyFigures:
    month: date
    cases_closed: int
    total: int
    by_channel: list[dict]  # {"channel": label, "levels": [count per level, best first], "total": n}
    by_level: list[dict]  # {"level": label, "count": n, "bad": bool}
    bad: int
    top_tags: list[tuple[str, int]]
    assigned_bad: int
    on_time: int
    average_score: float | None
    complaints: int = 0
    hotline: int = 0
    level_labels: list[str] = field(default_factory=list)

    @property
    def on_time_rate(self) -> int | None:
        return on_time_rate(self.on_time, self.assigned_bad)

    @property
    def good_rate(self) -> int | None:
        return round(100 * (self.total - self.bad) / self.total) if self.total else None


def month_ratings(month: date) -> QuerySet[Rating]:
    month = month_start(month)
    return Rating.objects.counted().filter(rated_at__date__gte=month, rated_at__date__lt=next_month(month))


def monthly_figures(month: date, ratings: QuerySet[Rating] | None = None) -> MonthlyFigures:
    """The figures provinces publish each month (RULES.md 好差评): ratings by channel and level, the 差评
    count, the top 差评 tags, the on-time rectification rate (差评 of the month answered by their due date ÷
    差评 of the month 交办), the average score (1–5). Ratings whose appeal was upheld do not count."""
    from tongban.cases.choices import CaseStatus
    from tongban.cases.models import Case

    month = month_start(month)
    ratings = month_ratings(month) if ratings is None else ratings
    cells = {(row["channel"], row["level"]): row["n"]
             for row in ratings.values("channel", "level").annotate(n=Count("pk")).order_by()}
    levels = [level for level in sorted(Level, key=lambda lv: -lv.value)]
    by_channel = []
    for channel in RatingChannel:
        counts = [cells.get((channel.value, level.value), 0) for level in levels]
        by_channel.append({"channel": channel.label, "levels": counts, "total": sum(counts)})
    by_level = [{"level": level.label, "count": sum(cells.get((c.value, level.value), 0) for c in RatingChannel),
                 "bad": level in BAD_LEVELS} for level in levels]
    totals = ratings.aggregate(total=Count("pk"), bad=Count("pk", filter=Q(level__in=BAD_LEVELS)),
                               **on_time_counts(Q(level__in=BAD_LEVELS)), average=Avg("level"))
    tags = Counter()
    for row in ratings.filter(level__in=BAD_LEVELS).values_list("tags", flat=True):
        tags.update(t for t in row or [] if t in RatingTag.values)
    top = [(RatingTag(t).label, n) for t, n in tags.most_common(5)]
    next_ = next_month(month)
    complaints = Complaint.objects.filter(received_at__date__gte=month, received_at__date__lt=next_).aggregate(
        web=Count("pk", filter=~Q(channel=ComplaintChannel.HOTLINE)),
        hotline=Count("pk", filter=Q(channel=ComplaintChannel.HOTLINE)))
    return MonthlyFigures(
        month=month,
        cases_closed=Case.objects.filter(status=CaseStatus.CLOSED, closed_on__gte=month, closed_on__lt=next_).count(),
        total=totals["total"], by_channel=by_channel, by_level=by_level, bad=totals["bad"], top_tags=top,
        assigned_bad=totals["assigned"], on_time=totals["on_time"],
        average_score=round(totals["average"], 2) if totals["average"] is not None else None,
        complaints=complaints["web"], hotline=complaints["hotline"], level_labels=[lv.label for lv in levels])


def bulletin_section(month: date) -> dict:
    """What the monthly bulletin prints (the lead wires it into the 月通报): the same figures, as text."""
    figures = monthly_figures(month)
    rate = f"{figures.on_time_rate}%" if figures.on_time_rate is not None else "—"
    tags = "、".join(f"{label}（{n}）" for label, n in figures.top_tags) or "无"
    text = (f"{figures.month:%Y年%m月}，办结 {figures.cases_closed} 件，收到评价 {figures.total} 条，"
            f"差评 {figures.bad} 条，平均 {figures.average_score or '—'} 分，差评按期整改率 {rate}；"
            f"主要差评原因：{tags}。收到投诉 {figures.complaints} 件、12345 工单 {figures.hotline} 件。")
    return {"title": "好差评与投诉情况", "text": text, "figures": figures}


# --- Lists for staff ---------------------------------------------------------------------------------------

def bad_ratings(user) -> QuerySet[Rating]:
    return (Rating.objects.visible_to(user).bad()
            .select_related("case", "unit", "window", "assigned_unit").order_by("-rated_at", "-pk"))


def complaints(user) -> QuerySet[Complaint]:
    return Complaint.objects.visible_to(user).select_related("assigned_unit", "unit").order_by("-received_at", "-pk")


def callback_items(user, month: date) -> QuerySet[CallbackItem]:
    return (CallbackItem.objects.visible_to(user).filter(month=month_start(month))
            .select_related("case", "window", "unit", "assigned_unit"))


# --- One loop, one dashboard (X1) -----------------------------------------------------------------------

@dataclass
class SourceRow:
    key: str
    label: str
    total: int
    open: int
    closed: int
    on_time: int
    trend: list[int]
    link: str = ""
    counted: int = 0  # what 按期 is a share of: records 交办 (on_time_counts), measures signed off

    @property
    def on_time_rate(self) -> int | None:
        return on_time_rate(self.on_time, self.counted)


def _months(today: date, count: int) -> list[date]:
    months = [month_start(today)]
    while len(months) < count:
        months.insert(0, month_start(date.fromordinal(months[0].toordinal() - 1)))
    return months


def _trend(qs: QuerySet, stamp: str, months: list[date]) -> list[int]:
    counts = {row["m"].date() if hasattr(row["m"], "date") else row["m"]: row["n"]
              for row in qs.filter(**{f"{stamp}__date__gte": months[0]}).annotate(m=TruncMonth(stamp)).values("m").annotate(n=Count("pk")).order_by()}
    return [counts.get(m, 0) for m in months]


def _handled_row(key: str, label: str, qs: QuerySet, stamp: str, months: list[date], link: str) -> SourceRow:
    totals = qs.aggregate(total=Count("pk"), open=Count("pk", filter=Q(handling_status__in=OPEN_HANDLING)),
                          closed=Count("pk", filter=Q(handling_status=HandlingStatus.CLOSED)), **on_time_counts())
    return SourceRow(key, label, totals["total"], totals["open"], totals["closed"], totals["on_time"],
                     _trend(qs, stamp, months), link, counted=totals["assigned"])


def loop_sources(user, today: date, months: int = 6) -> tuple[list[SourceRow], list[date]]:
    """Every source of the one loop side by side (ROADMAP X1): counts, on-time closure, the monthly trend of
    new records. A handled record is on time as `on_time_counts` says (the same 按期 as the monthly figures);
    a measure when it was signed off by its due date."""
    from django.db.models import F
    from django.urls import reverse

    from tongban.rectification.choices import MeasureStatus, SourceKind
    from tongban.rectification.models import Measure

    span = _months(today, months)
    rows = []

    def measure_row(key, label, kind, link):
        qs = Measure.objects.visible_to(user).filter(source_kind=kind)
        totals = qs.aggregate(total=Count("pk"), closed=Count("pk", filter=Q(status=MeasureStatus.VERIFIED)),
                              on_time=Count("pk", filter=Q(status=MeasureStatus.VERIFIED,
                                                           verified_at__date__lte=F("due_date"))))
        return SourceRow(key, label, totals["total"], totals["total"] - totals["closed"], totals["closed"],
                         totals["on_time"], _trend(qs, "created_at", span), link, counted=totals["closed"])

    rows.append(measure_row("inspection", "巡察反馈问题", SourceKind.INSPECTION_FINDING,
                            reverse("rectification:dashboard")))
    rows.append(_handled_row("rating", "差评", Rating.objects.visible_to(user).bad().counted(), "rated_at", span,
                             reverse("feedback:rating_list")))
    base = Complaint.objects.visible_to(user)
    rows.append(_handled_row("complaint", "投诉（吐槽找茬）", base.exclude(channel=ComplaintChannel.HOTLINE),
                             "received_at", span, reverse("feedback:complaint_list")))
    rows.append(_handled_row("hotline", "12345 工单", base.filter(channel=ComplaintChannel.HOTLINE), "received_at",
                             span, reverse("feedback:complaint_list") + "?channel=hotline"))
    failed = CallbackItem.objects.visible_to(user).filter(
        outcome__in=[CallbackOutcome.UNSATISFIED, CallbackOutcome.UNREACHED])
    row = _handled_row("callback", "回访不满意、未接通", failed, "created_at", span, reverse("feedback:callback_list"))
    row.open += failed.filter(outcome=CallbackOutcome.UNREACHED).count()  # a callback not reached stays a gap
    rows.append(row)
    rows.append(measure_row("overdue", "超期办件", SourceKind.OVERDUE_CASE, reverse("supervision:duty")))
    return rows, span
