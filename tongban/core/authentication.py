"""API authentication: DRF's session and token authentication with tongban's rules.

Kept apart from `core.api` because DRF imports these classes while it is itself being imported.
"""
from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
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


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`, valid for API_TOKEN_DAYS days from its creation (a password change
    revokes it earlier: core.tokens)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            raise exceptions.AuthenticationFailed(
                f"令牌已过期（有效期 {settings.API_TOKEN_DAYS} 天），请在“我的接口令牌”页面重新生成。")
        return user, token


def token_expires_at(token):
    return token.created + timedelta(days=settings.API_TOKEN_DAYS)


def token_expired(token) -> bool:
    return timezone.now() >= token_expires_at(token)
