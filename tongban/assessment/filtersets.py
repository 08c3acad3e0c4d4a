"""One FilterSet per list (the API's score sheets; the month page filters by its URL)."""
from __future__ import annotations

import django_filters

from tongban.assessment.choices import Grade, Group, SheetStatus
from tongban.assessment.models import ScoreSheet
from tongban.core.filtersets import FilterSet


class ScoreSheetFilterSet(FilterSet):
    month = django_filters.DateFilter(label="月份（当月任一天）", method="in_month")
    group = django_filters.ChoiceFilter(choices=Group.choices, label="分组")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label="等次")
    status = django_filters.ChoiceFilter(choices=SheetStatus.choices, label="状态")

    class Meta:
        model = ScoreSheet
        fields = ["month", "group", "grade", "status", "unit"]

    def in_month(self, queryset, name, value):
        return queryset.filter(assessment__month=value.replace(day=1))
