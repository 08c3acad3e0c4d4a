"""督办单 not yet answered as problems for the leader on duty and the coordination meetings (core.problems)."""
from __future__ import annotations

from datetime import date
from typing import Iterable, Sequence

from django.urls import reverse

from tongban.core.problems import Problem

LABEL = "督办单待答复"


def unanswered_urges(unit_ids: Sequence[int], on_date: date) -> Iterable[Problem]:
    """督办单 issued to these units by `on_date` and still waiting for an answer (one query on (unit, status))."""
    from tongban.supervision.choices import UrgeStatus
    from tongban.supervision.models import Urge

    rows = (Urge.objects.filter(unit_id__in=unit_ids, status=UrgeStatus.WAITING, issued_on__lte=on_date)
            .order_by("issued_on", "pk").values_list("pk", "case__number", "case__title", "unit_id", "issued_on",
                                                     "reply_due"))
    for pk, number, title, unit_id, issued, due in rows:
        yield Problem(source=LABEL, title=f"{number} {title}", unit_id=unit_id, since=issued, due=due,
                      url=reverse("supervision:urge_detail", args=[pk]))
