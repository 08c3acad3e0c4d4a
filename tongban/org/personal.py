"""A staff member's phone number: whole for those who manage the person (the rule `org.change_staff`:
county administrators, and unit / township heads within their scope), masked for everyone else (a window
clerk, a county-wide inspector); each day a reader first sees a whole number, an event on the person's
timeline records who (`org.staff.phone_viewed`)."""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from tongban.history.models import DomainEvent
from tongban.history.services import record_events
from tongban.org.models import Staff
from tongban.org.rules import is_county_admin, is_unit_manager
from tongban.org.scopes import scope_for, scope_q

PHONE_VIEWED = "org.staff.phone_viewed"


def managed_ids(user, staff: Iterable[Staff]) -> set[int]:
    """The ids among `staff` that `user` manages — the rule `org.change_staff`, in one query."""
    ids = [person.pk for person in staff]
    if not ids or not getattr(user, "is_authenticated", False):
        return set()
    if is_county_admin(user):
        return set(ids)
    if is_unit_manager(user):
        in_scope = Staff.objects.filter(pk__in=ids).filter(scope_q(Staff, scope_for(user)))
        return set(in_scope.values_list("pk", flat=True))
    return set()


def record_phones_seen(user, staff: Iterable[Staff]) -> int:
    """Record that `user` saw these people's whole phone numbers: at most one event per reader, person
    and day (two queries, whatever the number of people)."""
    people = {person.pk: person for person in staff if person.phone}
    if not people or not getattr(user, "is_authenticated", False):
        return 0
    content_type = ContentType.objects.get_for_model(Staff)
    today = timezone.localdate()
    already = set(DomainEvent.objects.filter(
        content_type=content_type, object_id__in=[str(pk) for pk in people], code=PHONE_VIEWED, actor=user,
        at__date=today,
    ).values_list("object_id", flat=True))
    fresh = [person for pk, person in people.items() if str(pk) not in already]
    return record_events(fresh, PHONE_VIEWED, "查看了完整联系电话", by=user)
