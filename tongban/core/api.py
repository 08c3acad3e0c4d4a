"""API plumbing shared by every app: the exception handler that speaks Chinese with stable codes."""
from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.pagination import CursorPagination
from rest_framework.relations import MANY_RELATION_KWARGS, ManyRelatedField
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from tongban.core.authentication import CsrfRefused


def _flatten(detail, field: str = ""):
    """DRF's nested error detail ({"files": {"0": ["…"]}}) as flat errors, each with its field path."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key == api_settings.NON_FIELD_ERRORS_KEY else str(key)
            yield from _flatten(value, ".".join(part for part in (field, name) if part))
    elif isinstance(detail, (list, tuple)):
        for item in detail:
            yield from _flatten(item, field)
    else:
        error = {"code": getattr(detail, "code", None) or "invalid", "detail": str(detail)}
        if field:
            error["field"] = field
        yield error


def _django_errors(exc: ValidationError):
    """A Django ValidationError as flat errors: a service that checks many fields at once raises one with a
    dict {field: [errors]} (cases' clean_applicant), and every error keeps its field."""
    fields = exc.error_dict.items() if hasattr(exc, "error_dict") else [("", exc.error_list)]
    for field, error_list in fields:
        for error in error_list:
            message = error.message
            if error.params:
                try:
                    message = message % error.params
                except (TypeError, KeyError, ValueError):
                    pass
            found = {"code": error.code or "invalid", "detail": str(message)}
            if field and field != NON_FIELD_ERRORS:
                found["field"] = field
            yield found


def error_body(errors: list[dict]) -> dict:
    """The one shape of every refused request: `{code, detail, errors}` (the first error on top)."""
    first = errors[0]
    detail = f"{first['field']}：{first['detail']}" if first.get("field") else first["detail"]
    return {"code": first["code"], "detail": detail, "errors": errors}


def exception_handler(exc, context):
    """Every 400 — a service's `ValidationError`, a serializer's or a filter's field errors, an
    unreadable body — is `{"code", "detail", "errors"}` in Chinese with stable codes; 404s look the same
    whether the record is missing or outside the caller's scope."""
    if isinstance(exc, ValidationError):
        return Response(error_body(list(_django_errors(exc))), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.ParseError):
        message = "请求内容格式不正确（不是有效的 JSON 或表单数据）。"
        return Response(error_body([{"code": "parse_error", "detail": message}]), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, exceptions.ValidationError):
        errors = list(_flatten(exc.detail)) or [{"code": "invalid", "detail": "请求内容无效。"}]
        return Response(error_body(errors), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, CsrfRefused):
        return Response(error_body([{"code": "csrf_failed", "detail": str(exc.detail)}]), status=exc.status_code)
    if isinstance(exc, Http404):
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


VERSION_REQUIRED = "修改时必须提供 version（您看到的版本号），以免不知不觉覆盖他人的修改；请先读取记录再修改。"


class VersionedSerializerMixin:
    """For records with a `version` (core.models.VersionedModel): every PUT / PATCH names the version it
    started from, as the pages' forms do; without it the change is refused (400 `version_required`),
    never applied blindly. The viewset passes it to the service as `expected_version`."""

    def get_fields(self):
        fields = super().get_fields()
        fields["version"] = serializers.IntegerField(
            min_value=1, max_value=2**31 - 1, required=False,
            help_text="记录的版本号。修改（PUT / PATCH）时必填：您读取时看到的版本；已被他人修改时拒绝。")
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and attrs.get("version") is None:
            raise serializers.ValidationError({"version": [ErrorDetail(VERSION_REQUIRED, code="version_required")]})
        return attrs
