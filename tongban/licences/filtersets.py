from __future__ import annotations

import django_filters
from django.db.models import Q

from tongban.core.filtersets import FilterSet
from tongban.licences.choices import LicenceStatus
from tongban.licences.models import Licence


class LicenceFilterSet(FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", help_text="证照编号、持证主体或完整证件号码")
    status = django_filters.ChoiceFilter(label="状态", choices=LicenceStatus.choices)

    class Meta:
        model = Licence
        fields = ["q", "status"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__startswith=value) | Q(holder_name__contains=value) | Q(holder_id=value.upper()))
