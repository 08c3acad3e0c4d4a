"""A case's terms set by the programme it belongs to (a project's stage limit, the green channel's priority):
saved field by field with one `CaseEvent` saying who, old → new and why, so the change is on the case's timeline
like every other (a bulk `.update()` would leave no trace)."""
from __future__ import annotations

from django.db import transaction

from tongban.cases.models import Case, CaseTask
from tongban.cases.services.common import event, lock, refresh_case_clock

LABELS = {"budget_workdays": "承诺时限（工作日）", "priority": "优先级"}


@transaction.atomic
def set_terms(case: Case, *, by, reason: str, budget_workdays: int | None = None, priority: int | None = None,
              task_budgets: dict[int, int] | None = None) -> Case:
    """Set the case's promised limit and / or queue priority (its open tasks take the same priority), and the
    given tasks' limits ({task id: working days}); records one `case.terms_set` event when anything changed."""
    case = lock(case)
    wanted = {"budget_workdays": budget_workdays, "priority": priority}
    changes = {name: [getattr(case, name), value] for name, value in wanted.items()
               if value is not None and getattr(case, name) != value}
    for name, (_old, new) in changes.items():
        setattr(case, name, new)
    tasks_changed = 0
    for task in CaseTask.objects.select_for_update().filter(case=case).order_by("pk"):
        fields = []
        if priority is not None and task.priority != priority:
            task.priority = priority
            fields.append("priority")
        limit = (task_budgets or {}).get(task.pk)
        if limit is not None and task.budget_workdays != limit:
            task.budget_workdays = limit
            fields.append("budget_workdays")
        if fields:
            task.save(update_fields=[*fields, "updated_at"])
            tasks_changed += 1
    if not changes and not tasks_changed:
        return case
    if changes:
        case.save(update_fields=[*changes, "updated_at"])
    said = "；".join(f"{LABELS[name]}：{old} → {new}" for name, (old, new) in changes.items())
    if tasks_changed:
        said += ("；" if said else "") + f"{tasks_changed} 个子办件随之调整"
    event(case, "case.terms_set", f"{reason}：{said}", by=by, **changes)
    return refresh_case_clock(case)
