"""Who may do what in the assessment app (the office decides; the assessed unit objects)."""
from __future__ import annotations

from tongban.org.choices import Role
from tongban.org.scopes import scope_for

OFFICE_ROLES = {Role.RECTIFICATION_OFFICE, Role.SYSTEM_ADMIN}


def is_office(user) -> bool:
    """整改办 (acting as the 考核办) and administrators: enter manual items, decide objections, lock, publish."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or scope_for(user).role in OFFICE_ROLES)


def may_object(user, sheet) -> bool:
    """The assessed unit's own people (or a head over it), never the county-wide readers who score it."""
    scope = scope_for(user)
    if scope.everything or scope.is_empty:
        return False
    from tongban.assessment.models import ScoreSheet

    return ScoreSheet.objects.visible_to(user).filter(pk=sheet.pk).exists()
