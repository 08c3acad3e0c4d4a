"""Who is shown the 开放接口 (API docs) entry: those who use the API — anyone holding an API token — and the
administrators who hand tokens out. Everyone else never needs the page (it stays reachable by address)."""
from __future__ import annotations

import rules


@rules.predicate
def has_api_token(user) -> bool:
    from rest_framework.authtoken.models import Token

    return bool(getattr(user, "is_authenticated", False)) and Token.objects.filter(user_id=user.pk).exists()


rules.add_perm("core.use_api", rules.is_superuser | rules.is_staff | has_api_token)
