"""/api/v1/assessment/sheets/: score sheets in the caller's scope, each with every item and its record."""
from __future__ import annotations

from rest_framework import viewsets

from tongban.assessment.api.serializers import ScoreSheetSerializer
from tongban.assessment.filtersets import ScoreSheetFilterSet
from tongban.assessment.models import ScoreSheet
from tongban.core.api import KeysetPagination, ScopedViewSetMixin


class NewestFirst(KeysetPagination):
    ordering = "-id"


class ScoreSheetViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """考核得分表（本人数据范围内的单位），含每项计分及其记录；筛选 month、group、grade、status、unit。"""

    queryset = ScoreSheet.objects.select_related("unit", "assessment").prefetch_related("items__indicator")
    serializer_class = ScoreSheetSerializer
    filterset_class = ScoreSheetFilterSet
    pagination_class = NewestFirst


def register(router) -> None:
    router.register("assessment/sheets", ScoreSheetViewSet, basename="assessment-sheet")


urlpatterns: list = []
