"""Who uses the API. `core.create_api_token`: who may make their own token (superusers, and the roles in
API_TOKEN_ROLES: `core.tokens.may_use_api`). `core.use_api`: who is shown the 开放接口 (API docs) entry —
anyone holding a token and the administrators who hand tokens out; everyone else never needs the page (it
stays reachable by address)."""
from __future__ import annotations

import rules


@rules.predicate
def has_api_token(user) -> bool:
    from rest_framework.authtoken.models import Token

    return bool(getattr(user, "is_authenticated", False)) and Token.objects.filter(user_id=user.pk).exists()


@rules.predicate
def may_create_api_token(user) -> bool:
    from tongban.core.tokens import may_use_api

    return may_use_api(user)


rules.add_perm("core.create_api_token", may_create_api_token)
rules.add_perm("core.use_api", rules.is_superuser | rules.is_staff | has_api_token)
