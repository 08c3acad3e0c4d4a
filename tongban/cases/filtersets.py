"""One FilterSet for case lists, used by the pages and the API alike."""
from __future__ import annotations

import re

import django_filters
from django.db.models import Q

from tongban.cases.choices import CaseStatus
from tongban.cases.identity import normalise_id_number
from tongban.cases.models import Case, CaseTask
from tongban.catalog.models import Bundle, ServiceItem
from tongban.core.filtersets import FilterSet
from tongban.org.models import Unit

ID_LIKE = re.compile(r"^[0-9]{17}[0-9X]$|^[0-9A-Z]{18}$")


def search_q(text: str) -> Q:
    """Case number (whole or its start), an exact ID number / credit code, or the applicant's or item's name.
    An ID number matches only whole: a part of one finds nothing (no fishing for people by digits)."""
    text = (text or "").strip()
    if not text:
        return Q()
    code = normalise_id_number(text)
    if ID_LIKE.match(code):
        return Q(id_number=code) | Q(agent_id_number=code) | Q(number=code)
    if code.isdigit() and len(code) >= 8:
        return Q(number__startswith=code)
    return Q(applicant_name__icontains=text) | Q(title__icontains=text) | Q(number=text)


class CaseFilterSet(FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", max_length=60,
                                  help_text="办件编号、申请人、事项名称，或完整的证件号码")
    status = django_filters.ChoiceFilter(label="状态", choices=CaseStatus.choices)
    item = django_filters.ModelChoiceFilter(label="事项", queryset=ServiceItem.objects.all())
    bundle = django_filters.ModelChoiceFilter(label="一件事", queryset=Bundle.objects.all())
    intake_unit = django_filters.ModelChoiceFilter(label="受理单位", queryset=Unit.objects.all())
    received_after = django_filters.DateFilter(label="收件日期起", field_name="received_on", lookup_expr="gte")
    received_before = django_filters.DateFilter(label="收件日期止", field_name="received_on", lookup_expr="lte")
    overdue = django_filters.BooleanFilter(label="超期", method="filter_overdue")

    class Meta:
        model = Case
        fields = ["q", "status", "item", "bundle", "intake_unit", "received_after", "received_before", "overdue"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.filters["intake_unit"].queryset = Unit.objects.visible_to(user)

    def search(self, queryset, name, value):
        return queryset.filter(search_q(value))

    def filter_overdue(self, queryset, name, value):
        from django.utils import timezone

        from tongban.cases.choices import OPEN_STATUSES

        late = Q(status__in=[s for s in OPEN_STATUSES if s != CaseStatus.READY], due_date__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)


class TaskFilterSet(FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", max_length=60)

    class Meta:
        model = CaseTask
        fields = ["q"]

    def search(self, queryset, name, value):
        text = (value or "").strip()
        case_q = search_q(text)
        return queryset.filter(case__in=Case.objects.filter(case_q).values("pk"))
