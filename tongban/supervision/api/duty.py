"""/api/v1/supervision/figures/?month=2026-10: the month's figures of the dashboard and the bulletin
(`supervision.reports.month_figures`), in the caller's scope. Kept in its own module (registered in
core/api_urls.py) beside the engine's API."""
from __future__ import annotations

from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from tongban.supervision import reports


class MonthFiguresView(APIView):
    """电子监察月度数据：收件、受理、办结、按期办结率（全部与各审查部门）、当月超期办件及超期工作日、终端故障；
    与“监察分析”页面和电子监察月通报同一来源。乡镇管理员只得到本乡镇的数据。"""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("month", OpenApiTypes.STR, description="年-月，如 2026-10；默认本月")],
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        today = timezone.localdate()
        text = request.query_params.get("month") or f"{today:%Y-%m}"
        try:
            month = reports.Month.parse(text)
        except ValueError as exc:
            raise ValidationError({"month": [str(exc)]}) from None
        return Response(reports.month_figures(request.user, month, today))


def register(router) -> None:
    pass


urlpatterns = [path("supervision/figures/", MonthFiguresView.as_view(), name="supervision-figures")]
