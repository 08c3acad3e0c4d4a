"""Login limits (django-axes, plus one limit per address).

1. **User name and address together** (axes, `AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]`):
   five wrong passwords for one name from one address lock that name *at that address* for the cool-off.
   A stranger can no longer lock `admin` out of the hall by typing five wrong passwords elsewhere.
2. **Failures per address across names** (`LOGIN_ADDRESS_FAILURE_LIMIT`, default 20 in the cool-off):
   password spraying — a few tries on each of many names — trips it. A whole hall sits behind one NAT
   address, so the limit spares the hall's *regulars*: names that logged in successfully from that address
   in the last `LOGIN_REGULAR_DAYS` days (axes' access log). The sprayer's guessed names, and anyone new at
   that address, wait for the cool-off; the clerks who work there carry on.
3. The old-password field of the password change authenticates through the same backend, so it counts
   and is limited like the login form.

docs/decisions/0001-stack.md has the reasoning.
"""
from __future__ import annotations

from datetime import timedelta

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.helpers import get_client_ip_address, get_lockout_message
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def address_failures(ip_address: str) -> int:
    """Failed logins from `ip_address` within the cool-off, whatever the name."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = (AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since)
             .aggregate(n=Sum("failures_since_start"))["n"])
    return total or 0


def is_regular(username: str | None, ip_address: str) -> bool:
    """Did `username` log in successfully from `ip_address` recently (a clerk of that hall)?"""
    if not username:
        return False
    since = timezone.now() - timedelta(days=settings.LOGIN_REGULAR_DAYS)
    return AccessLog.objects.filter(username=username, ip_address=ip_address, attempt_time__gte=since).exists()


def address_limited(request, username: str | None) -> bool:
    ip_address = get_client_ip_address(request)
    if not ip_address or address_failures(ip_address) < settings.LOGIN_ADDRESS_FAILURE_LIMIT:
        return False
    return not is_regular(username, ip_address)


class LoginLimitBackend(AxesStandaloneBackend):
    """axes' backend (name + address) with the per-address limit on top; a refusal goes the axes way
    (the 429 lock-out page, `registration/locked_out.html`)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        super().authenticate(request, username=username, password=password, **kwargs)
        if request is not None and settings.AXES_ENABLED and address_limited(request, username):
            kwargs.get("response_context", {})["error"] = get_lockout_message()
            request.axes_locked_out = True
            raise AxesBackendPermissionDenied("too many failed logins from this address")
