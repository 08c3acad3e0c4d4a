"""Who may do what (django-rules). What they may *see* is the scope layer's job (org.scopes)."""
from __future__ import annotations

import rules

from tongban.org.choices import Role
from tongban.org.scopes import scope_for, scope_q


def has_role(*roles: str):
    names = "_".join(roles)

    @rules.predicate(name=f"has_role_{names}")
    def predicate(user) -> bool:
        return scope_for(user).role in roles

    return predicate


@rules.predicate
def in_scope(user, obj) -> bool:
    if obj is None:
        return False
    return type(obj)._default_manager.filter(pk=obj.pk).filter(scope_q(type(obj), scope_for(user))).exists()


is_superuser = rules.is_superuser
is_county_admin = is_superuser | has_role(Role.CENTER_LEADER, Role.SYSTEM_ADMIN)
is_unit_manager = has_role(Role.UNIT_HEAD, Role.TOWNSHIP_ADMIN)
is_county_reader = is_county_admin | has_role(Role.RECTIFICATION_OFFICE, Role.INSPECTOR)

rules.add_perm("org.manage_org", is_county_admin)  # import, export, edit the tree
rules.add_perm("org.change_window", is_county_admin | (is_unit_manager & in_scope))
rules.add_perm("org.change_staff", is_county_admin | (is_unit_manager & in_scope))
rules.add_perm("org.change_unit", is_county_admin | (is_unit_manager & in_scope))
