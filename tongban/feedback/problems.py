"""The open problems of some units on a day, for the leader-on-duty sheet (领导坐班, issue 13): open 差评,
complaints (吐槽找茬 and 12345) and failed callbacks, as simple records. The lead wires it into the sheet
another app builds; nothing here knows that app."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from django.db.models import Q
from django.urls import reverse

from tongban.feedback.choices import BAD_LEVELS, OPEN_HANDLING, CallbackOutcome, ComplaintChannel
from tongban.feedback.models import CallbackItem, Complaint, Rating


@dataclass(frozen=True)
class Problem:
    source: str  # the label the sheet shows: 差评 / 投诉 / 12345 工单 / 回访不满意 / 回访未接通
    title: str
    unit_id: int
    since: date
    due: date | None
    url: str


def _day(value) -> date:
    from django.utils import timezone

    return timezone.localdate(value) if hasattr(value, "tzinfo") else value


def open_problems(unit_ids: Iterable[int], on_date: date) -> list[Problem]:
    """Everything still open on `on_date` for the units (received on or before that day, not closed by it).
    A record counts for the unit it was 交办 to, or before that for the unit it is about. Three queries."""
    unit_ids = list(unit_ids)
    problems: list[Problem] = []
    unit_q = Q(assigned_unit_id__in=unit_ids) | Q(assigned_unit__isnull=True, unit_id__in=unit_ids)
    still_open = Q(handling_status__in=OPEN_HANDLING) | Q(closed_at__date__gt=on_date)
    for rating in (Rating.objects.filter(unit_q, still_open, level__in=BAD_LEVELS, rated_at__date__lte=on_date)
                   .exclude(handling_status="").select_related("case").order_by("rated_at", "pk")):
        problems.append(Problem("差评", rating.title, rating.assigned_unit_id or rating.unit_id,
                                _day(rating.rated_at), rating.due_date or rating.callback_due,
                                reverse("feedback:rating_detail", args=[rating.pk])))
    for complaint in (Complaint.objects.filter(unit_q, still_open, received_at__date__lte=on_date)
                      .order_by("received_at", "pk")):
        label = "12345 工单" if complaint.channel == ComplaintChannel.HOTLINE else "投诉"
        problems.append(Problem(label, complaint.title, complaint.assigned_unit_id or complaint.unit_id,
                                _day(complaint.received_at), complaint.due_date,
                                reverse("feedback:complaint_detail", args=[complaint.pk])))
    failed = (Q(outcome=CallbackOutcome.UNSATISFIED) & still_open) | Q(outcome=CallbackOutcome.UNREACHED)
    for item in (CallbackItem.objects.filter(unit_q, failed, called_at__date__lte=on_date)
                 .select_related("case").order_by("called_at", "pk")):
        label = "回访未接通" if item.outcome == CallbackOutcome.UNREACHED else "回访不满意"
        problems.append(Problem(label, item.title if label == "回访不满意" else f"回访未接通：{item.case.number}",
                                item.assigned_unit_id or item.unit_id, _day(item.called_at), item.due_date,
                                reverse("feedback:callback_detail", args=[item.pk])))
    return problems


