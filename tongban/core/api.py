"""API plumbing shared by every app: the exception handler that speaks Chinese with stable codes."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
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


class KeysetPagination(CursorPagination):
    """Keyset (cursor) pages for long lists: by id, `next` / `previous` links carry an opaque cursor,
    and no COUNT(*) is run, so page 1,000 costs what page 1 does (`?page_size=` up to 500)."""

    ordering = "pk"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
