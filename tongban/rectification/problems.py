"""Overdue measures as problems for the leader on duty and the coordination meetings (core.problems)."""
from __future__ import annotations

from datetime import date
from typing import Iterable, Sequence

from django.urls import reverse

from tongban.core.problems import Problem

LABEL = "超期整改措施"


def overdue_measures(unit_ids: Sequence[int], on_date: date) -> Iterable[Problem]:
    """Open measures led by these units and due before `on_date` (one query over (status, due_date))."""
    from tongban.rectification.models import Measure

    rows = (Measure.objects.overdue(on_date).filter(lead_unit_id__in=unit_ids)
            .order_by("due_date", "pk").values_list("pk", "text", "lead_unit_id", "due_date"))
    for pk, text, unit_id, due in rows:
        yield Problem(source=LABEL, title=text[:60], unit_id=unit_id, since=due, due=due,
                      url=reverse("rectification:measure_detail", args=[pk]))
