"""Who may do what with cases (django-rules). What they may *see* is the scope layer's (`Case.objects.visible_to`);
which transition they may make is the transition table's (`cases.transitions`)."""
from __future__ import annotations

import rules

from tongban.cases import transitions
from tongban.org.scopes import scope_for


@rules.predicate
def handles_case(user, case) -> bool:
    """Handlers (the intake, reviewing and delivery staff of the case) and leaders over it."""
    if case is None:
        return False
    return bool(transitions.roles_of(user, case) - {transitions.SYSTEM})


@rules.predicate
def reviewed_case(user, case) -> bool:
    """A department that has (or had) a task of the case."""
    staff = getattr(user, "staff", None)
    return case is not None and staff is not None and case.tasks.filter(unit_id=staff.unit_id).exists()


@rules.predicate
def works_at_a_window(user) -> bool:
    from tongban.cases.services.intake import intake_windows_for

    return bool(intake_windows_for(user))


@rules.predicate
def sees_cases(user) -> bool:
    return not scope_for(user).is_empty


@rules.predicate
def exchanges_with_province(user) -> bool:
    """The centre's leaders and administrators: the exchange with the provincial platform writes cases of
    every unit (cases/province.py)."""
    from tongban.org.choices import Role

    return bool(getattr(user, "is_superuser", False)) or scope_for(user).role in (Role.CENTER_LEADER, Role.SYSTEM_ADMIN)


rules.add_perm("cases.view_cases", sees_cases)
rules.add_perm("cases.exchange_province", exchanges_with_province)
rules.add_perm("cases.receive_case", works_at_a_window)
# The full ID number and phone: the case page, for those handling it and leaders in scope; logged.
rules.add_perm("cases.reveal_personal_data", handles_case | reviewed_case)
