"""Sessions on shared hall PCs: signed out after SESSION_IDLE_MINUTES without a request."""
from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout

LAST_SEEN = "tongban_last_seen"
# The session is written at most once a minute for activity, not on every request.
WRITE_EVERY_SECONDS = 60


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN)
            if last_seen is not None and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
                logout(request)  # the request goes on as an anonymous one: login_required sends it to /login/
            elif last_seen is None or now - last_seen >= WRITE_EVERY_SECONDS:
                request.session[LAST_SEEN] = now
        return self.get_response(request)
