"""API plumbing shared by every app: the exception handler that speaks Chinese with stable codes."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.db.models import Prefetch
from rest_framework import exceptions, serializers, status
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """Service `ValidationError`s become 400 with `{"code", "detail"}`; 404s look the same whether
    the record is missing or outside the caller's scope."""
    if isinstance(exc, ValidationError):
        errors = []
        for error in exc.error_list if hasattr(exc, "error_list") else [exc]:
            message = error.message
            if error.params:
                try:
                    message = message % error.params
                except (TypeError, KeyError, ValueError):
                    pass
            errors.append({"code": error.code or "invalid", "detail": str(message)})
        body = {"code": errors[0]["code"], "detail": errors[0]["detail"], "errors": errors}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.ParseError):
        exc = exceptions.ParseError("请求内容格式不正确（不是有效的 JSON 或表单数据）。")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到该记录，或您无权查看。")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied("您没有权限执行此操作。")
    return drf_exception_handler(exc, context)


class ScopedViewSetMixin:
    """Every API list and detail goes through the scope layer; out of scope answers 404."""

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class VisibleRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id that only accepts records the caller may see (others read as “does not exist”);
    with `many=True` it also *lists* only those (`VisibleManyRelatedField`)."""

    def get_queryset(self):
        request = self.context.get("request")
        queryset = super().get_queryset()
        return queryset.visible_to(request.user) if request else queryset.none()

    @classmethod
    def many_init(cls, *args, **kwargs):
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({key: value for key, value in kwargs.items() if key in MANY_RELATION_KWARGS})
        return VisibleManyRelatedField(**list_kwargs)


class VisibleManyRelatedField(ManyRelatedField):
    """Related records as the caller may see them: never an id that answers 404 to them.

    A viewset lists them without a query per row by prefetching `visible_prefetch(name, model, user)`,
    read here as `visible_<name>`; without it the relation goes through the scope layer per record."""

    def get_attribute(self, instance):
        prefetched = getattr(instance, f"visible_{self.source}", None)
        if prefetched is not None:
            return prefetched
        related = super().get_attribute(instance)
        request = self.context.get("request")
        if hasattr(related, "visible_to"):
            return related.visible_to(request.user) if request else related.none()
        return related


def visible_prefetch(name: str, model, user) -> Prefetch:
    """Prefetch relation `name` through the scope layer, for `VisibleManyRelatedField`."""
    return Prefetch(name, queryset=model._default_manager.visible_to(user).order_by("pk"), to_attr=f"visible_{name}")
