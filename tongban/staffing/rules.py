"""Who may do what in staffing: reading follows the scope layer; the chief (科室/部门负责人, 乡镇管理员 of the
person's unit or above) and the centre (中心领导, 系统管理员, 效能监察) enter and approve leave and import
attendance."""
from __future__ import annotations

from tongban.org.choices import Role
from tongban.org.scopes import scope_for

CENTRE = {Role.CENTER_LEADER, Role.SYSTEM_ADMIN, Role.INSPECTOR}
CHIEFS = {Role.UNIT_HEAD, Role.TOWNSHIP_ADMIN}


def _role(user) -> str:
    return scope_for(user).role


def can_import_attendance(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or _role(user) in CENTRE))


def is_chief_of(user, staff) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser or _role(user) in CENTRE:
        return True
    scope = scope_for(user)
    return _role(user) in CHIEFS and any(staff.unit.path.startswith(p) for p in scope.subtree_paths)


def can_approve_leave(user, staff) -> bool:
    return is_chief_of(user, staff)


def can_enter_leave(user, staff) -> bool:
    """The chief, or the person themselves (then it waits for the chief)."""
    return is_chief_of(user, staff) or scope_for(user).staff_id == staff.pk


def can_inspect(user) -> bool:
    """周督查 and 月通报 are the centre's: 效能监察, 中心领导, 系统管理员."""
    return bool(user.is_authenticated and (user.is_superuser or _role(user) in CENTRE))
