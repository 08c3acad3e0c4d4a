"""The open problems of some units on a day, for the leader-on-duty sheet (领导坐班, issue 13): open 差评,
complaints (吐槽找茬 and 12345) and failed callbacks, as simple records. The lead wires it into the sheet
another app builds; nothing here knows that app."""
from __future__ import annotations

from datetime import date
from typing import Iterable

from django.db.models import Q
from django.urls import reverse

from tongban.core.problems import Problem
from tongban.feedback.choices import BAD_LEVELS, OPEN_HANDLING, CallbackOutcome, ComplaintChannel
from tongban.feedback.models import CallbackItem, Complaint, Rating


def _day(value) -> date:
    from django.utils import timezone

    return timezone.localdate(value) if hasattr(value, "tzinfo") else value


def _unit_q(unit_ids: list[int]) -> Q:
    return Q(assigned_unit_id__in=unit_ids) | Q(assigned_unit__isnull=True, unit_id__in=unit_ids)


def _still_open(on_date: date) -> Q:
    return Q(handling_status__in=OPEN_HANDLING) | Q(closed_at__date__gt=on_date)


def open_bad_ratings(unit_ids: Iterable[int], on_date: date) -> list[Problem]:
    """差评 rated by `on_date` and not closed by it (one query)."""
    unit_ids = list(unit_ids)
    return [Problem("差评", rating.title, rating.assigned_unit_id or rating.unit_id, _day(rating.rated_at),
                    rating.due_date or rating.callback_due, reverse("feedback:rating_detail", args=[rating.pk]))
            for rating in (Rating.objects.filter(_unit_q(unit_ids), _still_open(on_date), level__in=BAD_LEVELS,
                                                 rated_at__date__lte=on_date)
                           .exclude(handling_status="").select_related("case").order_by("rated_at", "pk"))]


def open_complaints(unit_ids: Iterable[int], on_date: date) -> list[Problem]:
    """Complaints and 12345 orders received by `on_date` and not closed by it (one query)."""
    unit_ids = list(unit_ids)
    return [Problem("12345 工单" if complaint.channel == ComplaintChannel.HOTLINE else "投诉", complaint.title,
                    complaint.assigned_unit_id or complaint.unit_id, _day(complaint.received_at), complaint.due_date,
                    reverse("feedback:complaint_detail", args=[complaint.pk]))
            for complaint in (Complaint.objects.filter(_unit_q(unit_ids), _still_open(on_date),
                                                       received_at__date__lte=on_date).order_by("received_at", "pk"))]


def failed_callbacks(unit_ids: Iterable[int], on_date: date) -> list[Problem]:
    """Callbacks answered 不满意 and still open, or not reached (one query)."""
    unit_ids = list(unit_ids)
    failed = (Q(outcome=CallbackOutcome.UNSATISFIED) & _still_open(on_date)) | Q(outcome=CallbackOutcome.UNREACHED)
    problems: list[Problem] = []
    for item in (CallbackItem.objects.filter(_unit_q(unit_ids), failed, called_at__date__lte=on_date)
                 .select_related("case").order_by("called_at", "pk")):
        label = "回访未接通" if item.outcome == CallbackOutcome.UNREACHED else "回访不满意"
        problems.append(Problem(label, item.title if label == "回访不满意" else f"回访未接通：{item.case.number}",
                                item.assigned_unit_id or item.unit_id, _day(item.called_at), item.due_date,
                                reverse("feedback:callback_detail", args=[item.pk])))
    return problems


# Registered with core.problems one by one (feedback/wiring.py): one query per source.
PROVIDERS = (("feedback.bad_ratings", "差评", open_bad_ratings), ("feedback.complaints", "投诉与 12345 工单", open_complaints),
             ("feedback.callbacks", "回访不满意或未接通", failed_callbacks))


def open_problems(unit_ids: Iterable[int], on_date: date) -> list[Problem]:
    """Everything still open on `on_date` for the units (received on or before that day, not closed by it).
    A record counts for the unit it was 交办 to, or before that for the unit it is about. Three queries."""
    unit_ids = list(unit_ids)
    return [problem for _, _, provider in PROVIDERS for problem in provider(unit_ids, on_date)]
