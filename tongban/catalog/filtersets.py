"""One FilterSet per model serves the list page and the API alike."""
import django_filters

from tongban.catalog.choices import Audience, CaseKind, DelegationMode, IntermediaryStatus, ItemLevel, ItemType
from tongban.catalog.models import Bundle, Delegation, Intermediary, ItemMaterial, NegativeListEntry, ServiceItem
from tongban.catalog.search import name_query
from tongban.core.filtersets import FilterSet
from tongban.org.filtersets import SearchFilterMixin


class ServiceItemFilterSet(FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="关键词（名称、编码或拼音首字母）")
    item_type = django_filters.ChoiceFilter(choices=ItemType.choices, label="事项类型")
    level = django_filters.ChoiceFilter(choices=ItemLevel.choices, label="行使层级")
    case_kind = django_filters.ChoiceFilter(choices=CaseKind.choices, label="办件类型")
    is_published = django_filters.BooleanFilter(label="对外公开")
    unit = django_filters.NumberFilter(field_name="implementing_unit_id", label="实施主体ID")
    basic_code = django_filters.CharFilter(label="基本编码")

    class Meta:
        model = ServiceItem
        fields = ["q", "item_type", "level", "case_kind", "is_published", "unit", "basic_code"]

    def filter_q(self, queryset, name, value):
        if not value:
            return queryset
        from django.db.models import Q

        return queryset.filter(name_query(value) | Q(implementation_code__icontains=value) | Q(basic_code__icontains=value))


class ItemMaterialFilterSet(FilterSet):
    item = django_filters.NumberFilter(field_name="item_id", label="事项ID")
    identity = django_filters.CharFilter(field_name="identity__code", label="材料编码")

    class Meta:
        model = ItemMaterial
        fields = ["item", "identity", "is_required", "may_be_pending", "is_electronic_licence"]


class BundleFilterSet(SearchFilterMixin, FilterSet):
    search_fields = ("name", "slug", "theme")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    audience = django_filters.ChoiceFilter(choices=Audience.choices, label="面向")

    class Meta:
        model = Bundle
        fields = ["q", "audience", "is_published"]


class DelegationFilterSet(SearchFilterMixin, FilterSet):
    search_fields = ("item__name", "township__name")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    mode = django_filters.ChoiceFilter(choices=DelegationMode.choices, label="下放方式")
    unit = django_filters.NumberFilter(field_name="township_id", label="乡镇ID")
    is_revoked = django_filters.BooleanFilter(label="已撤销")

    class Meta:
        model = Delegation
        fields = ["q", "mode", "unit", "is_revoked"]


class IntermediaryFilterSet(SearchFilterMixin, FilterSet):
    search_fields = ("name", "credit_code", "service_scope")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    status = django_filters.ChoiceFilter(choices=IntermediaryStatus.choices, label="状态")

    class Meta:
        model = Intermediary
        fields = ["q", "status"]


class NegativeListFilterSet(SearchFilterMixin, FilterSet):
    search_fields = ("unit__name", "item__name", "description")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    unit = django_filters.NumberFilter(field_name="unit_id", label="单位ID")

    class Meta:
        model = NegativeListEntry
        fields = ["q", "reason", "source", "is_resolved", "unit"]
