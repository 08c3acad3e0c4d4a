"""Who may do what with ratings, complaints and callbacks (django-rules). What they may *see* is the scope
layer's job (`visible_to`).

- the office (整改办), the centre's leaders and administrators call back, classify and 交办, verify and close,
  review appeals, publish on the wall, draw the callback sample, record callbacks and import 12345 orders;
- the people of the unit a record was 交办 to (within their own scope) answer it, record the on-site visit
  and appeal a 差评; read-only roles (效能监察) do none of it;
- window clerks open the rating page on the counter's tablet for a case of their window.
"""
from __future__ import annotations

import rules

from tongban.org.choices import COUNTY_WIDE_ROLES, Role
from tongban.org.models import Unit
from tongban.org.rules import has_role
from tongban.org.scopes import scope_for, scope_q

OFFICE_ROLES = (Role.RECTIFICATION_OFFICE, Role.CENTER_LEADER, Role.SYSTEM_ADMIN)
is_feedback_office = rules.is_superuser | has_role(*OFFICE_ROLES)


@rules.predicate
def handles_record(user, record) -> bool:
    """The record was 交办 to a unit inside the user's own (not county-wide) scope."""
    if record is None or not getattr(record, "assigned_unit_id", None):
        return False
    scope = scope_for(user)
    if scope.is_empty or scope.everything or scope.role in COUNTY_WIDE_ROLES:
        return False
    return Unit.objects.filter(scope_q(Unit, scope), pk=record.assigned_unit_id).exists()


@rules.predicate
def works_at_window(user) -> bool:
    staff = getattr(user, "staff", None) if user.is_authenticated else None
    return bool(staff and staff.is_active and staff.window_id)


rules.add_perm("feedback.manage", is_feedback_office)
rules.add_perm("feedback.answer", is_feedback_office | handles_record)
rules.add_perm("feedback.counter", is_feedback_office | works_at_window)
rules.add_perm("feedback.view", rules.is_authenticated)
