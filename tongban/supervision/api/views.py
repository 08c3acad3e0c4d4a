"""Supervision API: cards and 督办单 through the one scope layer; the department answers a 督办单 through the
same service as the page."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tongban.core.api import KeysetPagination, ScopedViewSetMixin
from tongban.supervision import selectors, services
from tongban.supervision.api.serializers import CardSerializer, UrgeReplySerializer, UrgeSerializer
from tongban.supervision.filtersets import CardFilterSet, UrgeFilterSet
from tongban.supervision.models import Card, Urge


class NewestFirst(KeysetPagination):
    ordering = "-id"


class CardViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """亮牌：黄牌、红牌（本人数据范围内的责任单位），新的在前；筛选 color、kind、unit、month、issued_after / issued_before。"""

    queryset = Card.objects.select_related("case", "unit")
    serializer_class = CardSerializer
    filterset_class = CardFilterSet
    pagination_class = NewestFirst


class UrgeViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """督办单：本人数据范围内责任部门的督办单；`POST /{id}/reply/` 由责任部门答复（`reply`）。"""

    queryset = selectors.with_level_names(
        Urge.objects.select_related("case", "unit", "card__case", "card__unit", "replied_by__staff"))
    serializer_class = UrgeSerializer
    filterset_class = UrgeFilterSet
    pagination_class = NewestFirst

    @extend_schema(request=UrgeReplySerializer, responses={200: UrgeSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def reply(self, request, pk=None):
        urge = self.get_object()
        body = UrgeReplySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            urge = services.reply_to_urge(urge, text=body.validated_data["reply"], by=request.user)
        except ValidationError as exc:
            if exc.code == "urge_not_responsible":
                raise exceptions.PermissionDenied(" ".join(exc.messages)) from exc
            raise
        return Response(UrgeSerializer(self.get_queryset().get(pk=urge.pk)).data)
