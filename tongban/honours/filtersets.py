"""One FilterSet for the honours list: the page and the API read the same filters. A period that cannot be
read is a form error (the page shows it in Chinese, the API answers 400), never a 500."""
from __future__ import annotations

import django_filters
from django import forms

from tongban.core.filtersets import FilterSet
from tongban.honours.choices import HonourStatus, Period
from tongban.honours.models import Honour, HonourKind
from tongban.honours.periods import HonourPeriod
from tongban.org.models import Staff, Unit, Window


def parse_period(value: str) -> HonourPeriod:
    """"2026-10" (a month) or "2026-Q4" (a quarter); ValueError with a Chinese message otherwise."""
    return HonourPeriod.parse(value, Period.QUARTERLY if "q" in value.lower() else Period.MONTHLY)


class PeriodField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_period(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid_period") from None


class PeriodFilter(django_filters.CharFilter):
    field_class = PeriodField

    def filter(self, qs, value):
        if value is None:
            return qs
        return qs.filter(period_start=value.first, period_end=value.last)


def _in_scope(model, *order_by: str):
    """The choices of a filter by unit / window / person: only what the requesting user may see."""

    def queryset(request):
        user = getattr(request, "user", None)
        return model.objects.none() if user is None else model.objects.visible_to(user).order_by(*order_by)

    return queryset


class HonourFilterSet(FilterSet):
    kind = django_filters.ModelChoiceFilter(queryset=HonourKind.objects.all(), label="评优项目")
    status = django_filters.ChoiceFilter(choices=HonourStatus.choices, label="状态")
    period = PeriodFilter(label="评选期（如 2026-10 或 2026-Q4）", max_length=10)
    unit = django_filters.ModelChoiceFilter(queryset=_in_scope(Unit, "path"), label="单位")
    window = django_filters.ModelChoiceFilter(queryset=_in_scope(Window, "code"), label="窗口")
    staff = django_filters.ModelChoiceFilter(queryset=_in_scope(Staff, "staff_no"), label="工作人员")

    class Meta:
        model = Honour
        fields = ["kind", "status", "period", "unit", "window", "staff"]
