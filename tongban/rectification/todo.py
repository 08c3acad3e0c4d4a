"""Who has sign-off (销号) work waiting, and for whom it waits.

Both answers come from the one permission, `rectification.signoff_measure` in `rules.py`, and the one scope
layer, and both leave out the applicant: nobody signs off their own request (`services.verify_measure`
refuses it, error `measure_self_verify`).

- `signers_for(measure)`: the people to tell when a measure is submitted for sign-off;
- `awaiting_signoff_for(user)`: the measures waiting for `user`'s sign-off (the 待审核 list page
  `/rectification/signoff/`, and the home page's to-do box).
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from tongban.rectification.choices import MeasureStatus
from tongban.rectification.models import Measure
from tongban.rectification.rules import MANAGER_ROLES

SIGNOFF_PERM = "rectification.signoff_measure"


def signers_for(measure: Measure) -> list:
    """The active users who may sign `measure` off and can see it, its applicant excepted.

    The candidates are read in one query from the roles the rule names (and superusers); each is then
    asked the rule itself and the scope layer, so a rule made stricter narrows this list too. There are
    a handful of such people in a county, so the per-person check costs little."""
    submitter_id = Measure.objects.filter(pk=measure.pk).values_list("submitted_by_id", flat=True).first()
    candidates = (
        get_user_model().objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(staff__is_active=True, staff__role__in=MANAGER_ROLES))
        .exclude(pk=submitter_id or 0)
        .select_related("staff")
        .order_by("pk")
    )
    return [
        user for user in candidates
        if user.has_perm(SIGNOFF_PERM, measure) and Measure.objects.visible_to(user).filter(pk=measure.pk).exists()
    ]


def awaiting_signoff_for(user) -> QuerySet[Measure]:
    """The measures submitted for sign-off that `user` may sign off (oldest request first); none for
    people without the permission, and never their own requests.

    The rule is role-based (`is_rectification_manager`), so it is asked once for the user, and the scope
    layer narrows the measures in SQL."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm(SIGNOFF_PERM):
        return Measure.objects.none()
    return (
        Measure.objects.visible_to(user)
        .filter(status=MeasureStatus.PENDING_SIGNOFF)
        .exclude(submitted_by=user)
        .order_by("submitted_at", "pk")
    )
