"""Read-only API of 日考勤: the punches in the caller's scope (filters month=YYYY-MM, staff)."""
from __future__ import annotations

import django_filters
from rest_framework import viewsets

from tongban.core.api import KeysetPagination, ScopedViewSetMixin
from tongban.core.months import MonthError, parse_month
from tongban.staffing.api.serializers import StaffInspectionSerializer, PunchSerializer
from tongban.staffing.models import Inspection, Punch


class MonthFilterSet(django_filters.FilterSet):
    """`month=YYYY-MM` on the model's `date_field`; a bad month matches nothing."""

    date_field = "date"
    month = django_filters.CharFilter(method="by_month", label="月份（如 2026-11）")

    def by_month(self, queryset, name, value):
        try:
            first = parse_month(value)
        except MonthError:
            return queryset.none()
        return queryset.filter(**{f"{self.date_field}__year": first.year, f"{self.date_field}__month": first.month})


class PunchFilterSet(MonthFilterSet):
    class Meta:
        model = Punch
        fields = ["staff", "date"]


class NewestFirst(KeysetPagination):
    ordering = "-id"


class PunchViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """考勤机打卡记录：本人数据范围内人员的打卡，新的在前；筛选 month、staff、date。"""

    queryset = Punch.objects.select_related("staff__unit")
    serializer_class = PunchSerializer
    filterset_class = PunchFilterSet
    pagination_class = NewestFirst


class InspectionFilterSet(MonthFilterSet):
    date_field = "inspected_on"

    class Meta:
        model = Inspection
        fields = ["staff", "aspect"]


class InspectionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """周督查记录：本人数据范围内人员的督查记录，新的在前；筛选 month、staff、aspect。"""

    queryset = Inspection.objects.select_related("staff__unit")
    serializer_class = StaffInspectionSerializer
    filterset_class = InspectionFilterSet
    pagination_class = NewestFirst
