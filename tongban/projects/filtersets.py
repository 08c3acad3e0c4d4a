"""The one FilterSet of the project ledger: the page, its Excel export and the API."""
from __future__ import annotations

import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from tongban.core.filtersets import FilterSet
from tongban.projects.choices import ProjectKind, Stage
from tongban.projects.models import Project


class ProjectFilterSet(FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", max_length=60, help_text="项目名称、项目代码或建设单位")
    kind = django_filters.ChoiceFilter(label="项目类型", choices=ProjectKind.choices)
    green_channel = django_filters.BooleanFilter(label="绿色通道")
    land_secured = django_filters.BooleanFilter(label="已取得用地")
    stage = django_filters.TypedChoiceFilter(label="当前阶段", choices=[(0, "未申请"), *Stage.choices], coerce=int,
                                             method="in_stage")
    registered_after = django_filters.DateFilter(label="登记日期起", field_name="registered_on", lookup_expr="gte")
    registered_before = django_filters.DateFilter(label="登记日期止", field_name="registered_on", lookup_expr="lte")

    class Meta:
        model = Project
        fields = ["q", "kind", "green_channel", "land_secured", "stage", "registered_after", "registered_before"]

    def search(self, queryset, name, value):
        text = (value or "").strip()
        if not text:
            return queryset
        return queryset.filter(Q(name__icontains=text) | Q(code__startswith=text) | Q(builder_name__icontains=text))

    @extend_schema_field(OpenApiTypes.INT)
    def in_stage(self, queryset, name, value):
        if value in (None, ""):
            return queryset
        from tongban.projects.selectors import with_current_stage

        if "current_stage" not in queryset.query.annotations:
            queryset = with_current_stage(queryset)
        return queryset.filter(current_stage=value)
