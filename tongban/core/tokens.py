"""Personal API tokens (DRF's authtoken: one per user): who may hold one, creating and revoking one's
own, and revoking it when the password changes."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from tongban.history.services import record_event


def may_use_api(user) -> bool:
    """Superusers, and staff whose role is in API_TOKEN_ROLES (the roles that exchange data with other
    systems; a window clerk works on the pages)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    staff = getattr(user, "staff", None) if hasattr(user, "staff") else None
    return bool(staff and staff.is_active and staff.role in settings.API_TOKEN_ROLES)


def create_token(user) -> Token:
    """A new token for `user` (replacing the old one: a token is shown in full only once)."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    record_event(user, "core.token.created", "生成了接口令牌", by=user)
    return token


def revoke_token(user, *, reason: str = "revoked", by=None) -> bool:
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        message = "修改密码，接口令牌随之作废" if reason == "password_changed" else "作废了接口令牌"
        record_event(user, f"core.token.{reason}", message, by=by or user)
    return bool(deleted)


def revoke_on_password_change(sender, instance, update_fields=None, **kwargs) -> None:
    """pre_save of the user: a new password revokes the API token, wherever the password was changed
    (the password page, the admin, `changepassword`)."""
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    old = get_user_model().objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is not None and old != instance.password:
        revoke_token(instance, reason="password_changed", by=instance)
