"""Who may do what with licences. What they may *see* is the scope layer's (`Licence.objects.visible_to`:
the issuing unit's subtree; imported licences belong to the importer's unit)."""
from __future__ import annotations

import rules

from tongban.org.choices import Role
from tongban.org.rules import has_role
from tongban.org.scopes import scope_for


@rules.predicate
def sees_licences(user) -> bool:
    return not scope_for(user).is_empty


@rules.predicate
def receives_case(user, case) -> bool:
    """The clerk at the intake window (and leaders over it) settles the checklist, so chooses the licences."""
    from tongban.cases import transitions

    return case is not None and bool(transitions.roles_of(user, case) & {transitions.INTAKE, transitions.LEADER})


@rules.predicate
def heads_issuing_unit(user, licence) -> bool:
    scope = scope_for(user)
    if licence is None or scope.is_empty:
        return False
    return scope.role in (Role.UNIT_HEAD, Role.TOWNSHIP_ADMIN) and licence.__class__.objects.visible_to(user).filter(
        pk=licence.pk).exists()


manages = rules.is_superuser | has_role(Role.SYSTEM_ADMIN, Role.CENTER_LEADER)
rules.add_perm("licences.view_licences", sees_licences)
rules.add_perm("licences.use_licences", receives_case)
rules.add_perm("licences.revoke_licence", manages | heads_issuing_unit)
rules.add_perm("licences.import_licences", manages)
rules.add_perm("licences.seal_documents", manages)
