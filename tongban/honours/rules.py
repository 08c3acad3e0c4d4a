"""Who may do what in 评优: reading follows the scope layer; the centre's office (整改办, acting as the
考核办, and 系统管理员) nominates; a centre leader (中心领导, or a superuser) decides."""
from __future__ import annotations

from tongban.org.choices import Role
from tongban.org.scopes import scope_for


def _role(user) -> str:
    return scope_for(user).role


def can_nominate(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or _role(user) in {Role.RECTIFICATION_OFFICE, Role.SYSTEM_ADMIN})


def can_decide(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or _role(user) == Role.CENTER_LEADER)


def can_read(user) -> bool:
    return not scope_for(user).is_empty
