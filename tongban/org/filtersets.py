"""One FilterSet per model serves the list page and the API alike."""
import django_filters
from django.db.models import Q

from tongban.core.filtersets import FilterSet
from tongban.org.choices import Role, WindowKind
from tongban.org.models import Staff, Unit, UnitKind, Window


class SearchFilterMixin:
    search_fields: tuple[str, ...] = ()

    def filter_q(self, queryset, name, value):
        if not value:
            return queryset
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)


class UnitFilterSet(SearchFilterMixin, FilterSet):
    search_fields = ("name", "code", "short_name")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    kind = django_filters.ModelChoiceFilter(
        queryset=UnitKind.objects.all(), field_name="kind", to_field_name="code", label="单位类型"
    )
    parent = django_filters.NumberFilter(field_name="parent_id", label="上级单位ID")
    within = django_filters.NumberFilter(method="filter_within", label="某单位及其下级（单位ID）")

    class Meta:
        model = Unit
        fields = ["q", "kind", "parent", "within", "is_active"]

    def filter_within(self, queryset, name, value):
        unit = Unit.objects.filter(pk=value).first()
        return queryset.filter(path__startswith=unit.path) if unit else queryset.none()


class WindowFilterSet(SearchFilterMixin, FilterSet):
    search_fields = ("name", "code", "unit__name")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    kind = django_filters.ChoiceFilter(choices=WindowKind.choices, label="窗口类型")
    unit = django_filters.NumberFilter(field_name="unit_id", label="所属单位ID")

    class Meta:
        model = Window
        fields = ["q", "kind", "unit", "is_active"]


class StaffFilterSet(SearchFilterMixin, FilterSet):
    search_fields = ("name", "staff_no", "position", "unit__name")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    role = django_filters.ChoiceFilter(choices=Role.choices, label="系统角色")
    unit = django_filters.NumberFilter(field_name="unit_id", label="所属单位ID")
    window = django_filters.NumberFilter(field_name="window_id", label="所在窗口ID")

    class Meta:
        model = Staff
        fields = ["q", "role", "unit", "window", "is_leader", "is_active"]
