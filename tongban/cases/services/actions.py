"""One door for every transition by name (the case page's buttons and the API's transitions endpoint):
the action's service with the parameters it takes."""
from __future__ import annotations

from datetime import date

from tongban.cases.models import Case, CaseTask
from tongban.cases.services import delivery, extensions, intake, online, review

SERVICES = {
    "notify_correction": (intake.notify_correction, ("materials",)),
    "correct": (intake.correct, ("materials",)),
    "accept": (intake.accept, ("materials",)),
    "accept_pending": (intake.accept_pending, ("pending", "promise_signed", "pending_due", "materials")),
    "refuse": (intake.refuse, ("reason",)),
    "supply_pending": (intake.supply_pending, ("codes",)),
    "complete_step": (review.complete_step, ("task", "reason")),
    "approve": (review.approve, ("task", "reason", "result_number")),
    "deny": (review.deny, ("task", "reason")),
    "suspend": (review.suspend, ("task", "kind", "reason")),
    "request_extension": (extensions.request_extension, ("task", "workdays", "reason")),
    "approve_extension": (extensions.approve_extension, ("task", "reason")),
    "refuse_extension": (extensions.refuse_extension, ("task", "reason")),
    "resume": (review.resume, ()),
    "deliver": (delivery.deliver, ("method", "licence_number", "electronic_licence_number", "tracking_number",
                                   "recipient")),
    "withdraw": (delivery.withdraw, ("reason",)),
    "forward": (online.forward, ("to_window",)),
}


def perform(case: Case, action: str, *, by, task: CaseTask | None = None, **params) -> Case:
    """Run `action` on `case`: the service checks the transition table itself."""
    service, accepted = SERVICES[action]
    kwargs = {name: value for name, value in params.items() if name in accepted and value not in (None, "")}
    if "task" in accepted:
        kwargs["task"] = task
    for name in ("reason",):
        if name in accepted:
            kwargs.setdefault(name, "")
    if action == "accept_pending":
        kwargs.setdefault("pending", [])
        kwargs.setdefault("promise_signed", False)
        if isinstance(kwargs.get("pending_due"), str):
            kwargs["pending_due"] = date.fromisoformat(kwargs["pending_due"])
    if action == "suspend":
        kwargs.setdefault("kind", "")
    if action == "request_extension":
        kwargs.setdefault("workdays", None)
    if action == "deliver":
        kwargs.setdefault("method", "paper")
    if action == "forward":
        kwargs["to_window"] = _window(kwargs.get("to_window"))
    return service(case, by=by, **kwargs)


def _window(value):
    """A forwarding target: the window itself (the page's form), or its code (the API)."""
    from tongban.cases.error_codes import CaseError, case_error
    from tongban.org.models import Window

    if isinstance(value, Window):
        return value
    window = Window.objects.filter(code=value).select_related("unit").first() if isinstance(value, str) and value else None
    if window is None:
        raise case_error(CaseError.FORWARD_TARGET, window=str(value or "")[:40] or "（未选择）")
    return window
