"""One FilterSet per list, used by the API (and the pages when they grow filters)."""
from __future__ import annotations

import django_filters

from tongban.core.filtersets import FilterSet
from tongban.supervision.choices import CardColor, ClockKind, UrgeStatus
from tongban.supervision.models import Card, Urge


class CardFilterSet(FilterSet):
    color = django_filters.ChoiceFilter(choices=[c for c in CardColor.choices if c[0]], label="颜色")
    kind = django_filters.ChoiceFilter(choices=ClockKind.choices, label="时限类型")
    month = django_filters.DateFilter(label="月份（当月任一天）", method="in_month")
    issued_after = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte", label="亮牌日期起")
    issued_before = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte", label="亮牌日期止")

    class Meta:
        model = Card
        fields = ["color", "kind", "unit", "month", "issued_after", "issued_before"]

    def in_month(self, queryset, name, value):
        return queryset.filter(month=value.replace(day=1))


class UrgeFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(choices=UrgeStatus.choices, label="状态")
    level = django_filters.NumberFilter(label="督办级别")

    class Meta:
        model = Urge
        fields = ["status", "level", "unit"]
