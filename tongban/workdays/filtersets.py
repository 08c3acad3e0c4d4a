"""One FilterSet for the days: the API list and the calendar page's holiday list."""
from datetime import date

import django_filters

from tongban.core.filtersets import FilterSet
from tongban.workdays.choices import DayKind, DaySource
from tongban.workdays.models import LAST_YEAR, FIRST_YEAR, Day


class DayFilterSet(FilterSet):
    year = django_filters.NumberFilter(method="filter_year", label="年份", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    month = django_filters.NumberFilter(field_name="date__month", label="月份", min_value=1, max_value=12)
    kind = django_filters.MultipleChoiceFilter(choices=DayKind.choices, label="类型")
    source = django_filters.ChoiceFilter(choices=DaySource.choices, label="来源")
    is_workday = django_filters.BooleanFilter(label="是否工作日")
    date = django_filters.DateFromToRangeFilter(label="日期范围")

    class Meta:
        model = Day
        fields = ["year", "month", "kind", "source", "is_workday", "date"]

    def filter_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(date__range=(date(year, 1, 1), date(year, 12, 31)))
