"""API authentication: DRF's session and token authentication with tongban's rules.

Kept apart from `core.api` because DRF imports these classes while it is itself being imported.
"""
from __future__ import annotations

from rest_framework import authentication, exceptions


class CsrfRefused(exceptions.PermissionDenied):
    default_code = "csrf_failed"


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, refusing a write without the CSRF token in Chinese (DRF's own
    message is English whatever the language)."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise CsrfRefused("CSRF 校验失败：会话认证的写请求须带 X-CSRFToken 请求头（取自 csrftoken Cookie），"
                              "请刷新页面后重试；程序调用请改用令牌认证。") from None
