"""How a person is named wherever tongban shows who did something: their name as staff (工作人员), never
their login name, which only the administrator needs to know."""
from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

SYSTEM = "系统"  # a change made by a job, an import without a user, or the demo


def person_name(user, *, default: str = SYSTEM) -> str:
    """The staff record's name; else the account's full name; else (an account with no person behind it,
    e.g. a superuser made on the command line) its login name. `default` for no user at all."""
    if user is None:
        return default
    try:
        staff = user.staff
    except (ObjectDoesNotExist, AttributeError):
        staff = None
    if staff is not None and staff.name:
        return staff.name
    return user.get_full_name().strip() or user.get_username()
