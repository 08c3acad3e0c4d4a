"""What the pages, the API and the duty page read about terminals: one definition of a terminal's state."""
from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from tongban.terminals.models import Terminal, TerminalFault

STATE_LABELS = {"ok": "正常", "fault": "故障", "never": "从未心跳", "inactive": "停用"}
STATE_COLORS = {"ok": "success", "fault": "danger", "never": "secondary", "inactive": "light"}


def with_open_fault(terminals: QuerySet[Terminal]) -> QuerySet[Terminal]:
    """Each terminal with `open_fault_started_at` (None when it has no open fault), in the same query."""
    open_fault = TerminalFault.objects.filter(terminal_id=OuterRef("pk"), ended_at__isnull=True)
    return terminals.annotate(open_fault_started_at=Subquery(open_fault.values("started_at")[:1]))


def state_of(terminal: Terminal) -> str:
    """A fault is what the scan recorded (`detect_faults`), not a guess made while the page is drawn."""
    if not terminal.is_active:
        return "inactive"
    if getattr(terminal, "open_fault_started_at", None) is not None:
        return "fault"
    return "ok" if terminal.last_seen_at else "never"


def visible_terminals(user) -> QuerySet[Terminal]:
    return with_open_fault(Terminal.objects.visible_to(user)).select_related("unit")


def open_faults(user) -> QuerySet[TerminalFault]:
    """Faults still open, longest first, in the user's scope."""
    return (TerminalFault.objects.visible_to(user).filter(ended_at__isnull=True)
            .select_related("terminal", "terminal__unit").order_by("started_at", "pk"))


def faults_between(start, end, qs: QuerySet[TerminalFault] | None = None) -> QuerySet[TerminalFault]:
    """Faults that were open at some moment in [start, end): begun before the end, not ended before the start."""
    qs = TerminalFault.objects.all() if qs is None else qs
    return (qs.filter(started_at__lt=end).exclude(ended_at__lt=start)
            .select_related("terminal", "terminal__unit").order_by("started_at", "pk"))
