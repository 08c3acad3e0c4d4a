"""Overdue cases as problems for the leader on duty and the coordination meetings (core.problems)."""
from __future__ import annotations

from datetime import date
from typing import Iterable, Sequence

from django.urls import reverse

from tongban.core.problems import Problem

LABEL = "超期办件"


def overdue_cases(unit_ids: Sequence[int], on_date: date) -> Iterable[Problem]:
    """Cases of these intake units still being handled past their stored due date (one query)."""
    from tongban.cases.models import Case
    from tongban.cases.selectors import overdue_q

    rows = (Case.objects.filter(overdue_q(on_date), intake_unit_id__in=unit_ids)
            .order_by("due_date", "pk").values_list("number", "title", "intake_unit_id", "due_date"))
    for number, title, unit_id, due in rows:
        yield Problem(source=LABEL, title=f"{number} {title}", unit_id=unit_id, since=due, due=due,
                      url=reverse("cases:case_detail", args=[number]))
