from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from tongban.core.api import ScopedViewSetMixin
from tongban.workdays import services
from tongban.workdays.api.serializers import (
    AddQuerySerializer,
    BetweenQuerySerializer,
    CalendarYearSerializer,
    DaySerializer,
    WorkdayCountSerializer,
    WorkdayResultSerializer,
)
from tongban.workdays.filtersets import DayFilterSet
from tongban.workdays.models import CalendarYear, Day

DATE_REGEX = r"\d{4}-\d{2}-\d{2}"


class DayViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """工作日历中的日期：是否上班、类型（工作日 / 休息日 / 法定节假日 / 调休上班）、节日名称、工作日序号。
    可按年份、月份、类型筛选；详情按日期查询，如 /api/v1/days/2025-10-01/。"""

    queryset = Day.objects.all()
    serializer_class = DaySerializer
    filterset_class = DayFilterSet
    lookup_field = "date"
    lookup_value_regex = DATE_REGEX


class CalendarYearViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """各年份的日历状态：官方安排、已导入、临时推算（尚无节假日安排，按周一至周五计算）。"""

    queryset = CalendarYear.objects.all()
    serializer_class = CalendarYearSerializer
    filterset_fields = ["status"]


class CalendarQueryView(APIView):
    """A GET whose query string is checked by `query_serializer`; `answer` calls the service."""

    query_serializer: type

    def answer(self, query: dict) -> dict:
        raise NotImplementedError

    def get(self, request):
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return Response(self.answer(query.validated_data))


@extend_schema_view(get=extend_schema(
    summary="计算期限：起算日之后第 n 个工作日",
    description="自起算日次日起计算（《行政许可法》第八十二条）。涉及尚无节假日安排的年份时 provisional 为 true。",
    parameters=[AddQuerySerializer],
    responses=WorkdayResultSerializer,
    tags=["workdays"],
))
class AddWorkdaysView(CalendarQueryView):
    query_serializer = AddQuerySerializer

    def answer(self, query: dict) -> dict:
        result = services.add_workdays(query["start"], query["n"])
        return WorkdayResultSerializer({**query, "date": result.date, "provisional": result.provisional}).data


@extend_schema_view(get=extend_schema(
    summary="两日之间的工作日数",
    description="统计 (start, end] 之间的工作日数；end 早于 start 时为负数。",
    parameters=[BetweenQuerySerializer],
    responses=WorkdayCountSerializer,
    tags=["workdays"],
))
class WorkdaysBetweenView(CalendarQueryView):
    query_serializer = BetweenQuerySerializer

    def answer(self, query: dict) -> dict:
        result = services.workdays_between(query["start"], query["end"])
        return WorkdayCountSerializer({**query, "days": result.days, "provisional": result.provisional}).data
