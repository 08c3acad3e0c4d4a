"""Set-based counts per unit and month for the assessment's scoring (行政效能考核; the lead wires them):
差评, complaints upheld, callback dissatisfaction. Each returns {unit_id: Indicator} with the records behind
the count, so a deduction can always be shown with its evidence. One query each."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse

from tongban.feedback.choices import BAD_LEVELS, CallbackOutcome
from tongban.feedback.models import CallbackItem, Complaint, Rating
from tongban.feedback.sampling import month_start, next_month


@dataclass(frozen=True)
class Detail:
    title: str
    on: date
    url: str


@dataclass
class Indicator:
    unit_id: int
    count: int = 0
    details: list[Detail] = field(default_factory=list)


def _collect(rows, unit_key: str, title, on_key: str, url_name: str) -> dict[int, Indicator]:
    from django.utils import timezone

    result: dict[int, Indicator] = {}
    for row in rows:
        unit_id = row[unit_key]
        indicator = result.setdefault(unit_id, Indicator(unit_id))
        indicator.count += 1
        on = row[on_key]
        indicator.details.append(Detail(title(row), timezone.localdate(on) if hasattr(on, "tzinfo") else on,
                                        reverse(url_name, args=[row["pk"]])))
    return result


def bad_ratings_by_unit(month: date) -> dict[int, Indicator]:
    """差评 rated in the month, per unit that handled the case; an upheld appeal takes one out."""
    month = month_start(month)
    rows = (Rating.objects.counted().filter(level__in=BAD_LEVELS, rated_at__date__gte=month,
                                            rated_at__date__lt=next_month(month))
            .values("pk", "unit_id", "rated_at", "case__number", "case__title").order_by("unit_id", "rated_at", "pk"))
    return _collect(rows, "unit_id", lambda r: f"差评：{r['case__title']}（{r['case__number']}）", "rated_at",
                    "feedback:rating_detail")


def upheld_complaints_by_unit(month: date) -> dict[int, Indicator]:
    """Complaints received in the month and found 属实, per unit they were 交办 to."""
    month = month_start(month)
    rows = (Complaint.objects.filter(upheld=True, received_at__date__gte=month, received_at__date__lt=next_month(month))
            .annotate(responsible=Coalesce(F("assigned_unit_id"), F("unit_id")))
            .values("pk", "responsible", "received_at", "title").order_by("responsible", "received_at", "pk"))
    return _collect(rows, "responsible", lambda r: f"投诉属实：{r['title']}", "received_at", "feedback:complaint_detail")


def callback_dissatisfaction_by_unit(month: date) -> dict[int, Indicator]:
    """Callbacks of the month's sample answered 不满意, per unit of the window."""
    rows = (CallbackItem.objects.filter(month=month_start(month), outcome=CallbackOutcome.UNSATISFIED)
            .values("pk", "unit_id", "called_at", "case__number", "case__title").order_by("unit_id", "pk"))
    return _collect(rows, "unit_id", lambda r: f"回访不满意：{r['case__title']}（{r['case__number']}）", "called_at",
                    "feedback:callback_detail")
