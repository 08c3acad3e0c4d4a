"""Who may do what with terminals. Seeing them is the scope layer's (a township admin sees their own
township's terminal); issuing a terminal's token is for the administrators (信息股 hands it to the township)."""
from __future__ import annotations

import rules

from tongban.org.rules import has_role
from tongban.org.choices import Role
from tongban.org.scopes import scope_for


@rules.predicate
def sees_terminals(user) -> bool:
    return not scope_for(user).is_empty


rules.add_perm("terminals.view_terminals", sees_terminals)
rules.add_perm("terminals.issue_token", rules.is_superuser | has_role(Role.SYSTEM_ADMIN))
