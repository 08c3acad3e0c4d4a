"""Township terminals out of order as problems for the leader on duty and the meetings (core.problems)."""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Iterable, Sequence

from django.urls import reverse
from django.utils import timezone

from tongban.core.problems import Problem

LABEL = "终端故障"


def open_faults(unit_ids: Sequence[int], on_date: date) -> Iterable[Problem]:
    """Faults of these townships' terminals begun by the end of `on_date` and not yet ended (one query)."""
    from tongban.terminals.models import TerminalFault

    day_end = timezone.make_aware(datetime.combine(on_date, time.max))
    rows = (TerminalFault.objects.filter(terminal__unit_id__in=unit_ids, ended_at__isnull=True, started_at__lte=day_end)
            .order_by("started_at", "pk").values_list("terminal_id", "terminal__name", "terminal__unit_id",
                                                      "started_at"))
    for terminal_id, name, unit_id, started in rows:
        yield Problem(source=LABEL, title=f"{name}无心跳", unit_id=unit_id, since=timezone.localdate(started),
                      due=None, url=f"{reverse('terminals:list')}#terminal-{terminal_id}")
