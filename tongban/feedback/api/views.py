"""Feedback API: ratings and complaints through the one scope layer, 12345 orders received (idempotent by
order number, the office's token), the monthly figures from the one selector."""
from __future__ import annotations

from datetime import date

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tongban.core.api import KeysetPagination, ScopedViewSetMixin
from tongban.core.months import MonthError, parse_month
from tongban.feedback import sampling, selectors, services
from tongban.feedback.api.serializers import (
    ComplaintSerializer, HotlineOrderSerializer, MonthlyFiguresSerializer, RatingSerializer,
)
from tongban.feedback.filtersets import ComplaintFilterSet, RatingFilterSet
from tongban.feedback.models import Complaint, Rating


class NewestFirst(KeysetPagination):
    ordering = "-id"


class RatingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """好差评：本人数据范围内的评价，新的在前；`GET /figures/?month=2026-10` 为当月公示数字。"""

    queryset = Rating.objects.select_related("case", "unit")
    serializer_class = RatingSerializer
    filterset_class = RatingFilterSet
    pagination_class = NewestFirst

    @extend_schema(parameters=[OpenApiParameter("month", str, description="月份，如 2026-10；默认上月")],
                   responses={200: MonthlyFiguresSerializer})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def figures(self, request):
        try:
            month = parse_month(request.query_params.get("month", ""), sampling.previous_month(date.today()))
        except MonthError as exc:
            raise exceptions.ValidationError({"month": str(exc)}) from exc
        figures = selectors.monthly_figures(month)
        data = {name: getattr(figures, name) for name in MonthlyFiguresSerializer().fields}
        return Response(MonthlyFiguresSerializer(data).data)


class ComplaintViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """投诉与 12345 工单（本人数据范围内）；`POST /hotline/` 接收热线平台的工单（按工单号幂等，须整改办令牌）。"""

    queryset = Complaint.objects.select_related("assigned_unit")
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilterSet
    pagination_class = NewestFirst

    @extend_schema(request=HotlineOrderSerializer, responses={200: ComplaintSerializer, 201: ComplaintSerializer})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def hotline(self, request):
        if not request.user.has_perm("feedback.manage"):
            raise exceptions.PermissionDenied("只有整改办、中心领导或管理员的令牌可以推送 12345 工单。")
        body = HotlineOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        complaint, created = services.receive_hotline_order(**body.validated_data, by=request.user)
        return Response(ComplaintSerializer(complaint).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
