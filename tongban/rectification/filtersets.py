"""One FilterSet per list: the page, its Excel export and the API filter the same way."""
from __future__ import annotations

import django_filters
from django import forms
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tongban.core.filtersets import FilterSet
from tongban.core.forms import FastSelect
from tongban.org.filtersets import SearchFilterMixin
from tongban.org.models import Unit
from tongban.rectification.choices import (
    ActionKind,
    DeadlineKind,
    FindingKind,
    InspectionKind,
    InspectionStatus,
    MeasureStatus,
    ReasonKind,
    SignalKind,
    SignalStatus,
    SourceKind,
    UnitRole,
)
from tongban.rectification.models import Accountability, Evidence, Finding, Inspection, Measure, MeasureUnit, Signal


def visible(model, *order_by: str):
    """A ModelChoiceFilter queryset: only what the requesting user may see (no request, nothing)."""

    def queryset(request):
        user = getattr(request, "user", None)
        if user is None:
            return model.objects.none()
        return model.objects.visible_to(user).order_by(*order_by)

    return queryset


visible_units = visible(Unit, "path")
visible_inspections = visible(Inspection, "-feedback_date", "-pk")


class StyledFilterSet(FilterSet):
    """Filter-bar look (全部, Bootstrap classes) and invalid-filter handling come from the core FilterSet
    (`core.filtersets.FilterSet`: an invalid choice, e.g. an id outside the user's scope, filters to nothing
    on the pages and answers 400 in the API); here, record choices rendered fast and the filters in force
    as chips."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_styled", False):
            cache: dict = {}
            for name, field in form.fields.items():
                if isinstance(field, forms.ModelChoiceField):  # hundreds of units: render the options fast
                    field.widget = FastSelect(attrs=field.widget.attrs, choices=self._choices(name, field, cache))
            form._styled = True
        return form

    def _choices(self, name: str, field, cache: dict) -> list:
        """The options of a record filter, read once per page (two unit filters declared with the same
        queryset share them: `visible_units`) and, for units, as (id, name) rows rather than model
        instances. Keyed by what the filter was declared with — compiling the SQL to compare the
        querysets cost more than reading the rows."""
        declared = getattr(self.filters.get(name), "queryset", None)
        key = declared if callable(declared) else name
        if key not in cache:
            queryset = field.queryset
            if queryset.model is Unit:
                rows = list(queryset.values_list("pk", "name"))
            else:
                rows = [(obj.pk, field.label_from_instance(obj)) for obj in queryset]
            cache[key] = [("", field.empty_label or "全部"), *rows]
        return cache[key]

    def active_filters(self) -> list[dict]:
        """Each filter in force: its label, the value as the user reads it, and the query string
        without it (the chip's ✕)."""
        if not self.is_bound or not self.is_valid():
            return []
        chips = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "", [], ()):
                continue
            remaining = self.data.copy()
            for key in (name, "page", "export"):
                remaining.pop(key, None)
            chips.append({"name": name, "label": self.form.fields[name].label, "value": self._shown(name, value),
                          "remove": remaining.urlencode()})
        return chips

    def _shown(self, name: str, value) -> str:
        if isinstance(value, models.Model):
            return str(value)
        raw = str(self.data.get(name, value))
        field = self.form.fields[name]
        choices = getattr(field, "choices", None) or getattr(field.widget, "choices", None) or ()
        return dict((str(key), label) for key, label in choices).get(raw, raw)


class InspectionFilterSet(SearchFilterMixin, StyledFilterSet):
    search_fields = ("title", "body", "group", "inspected_unit__name")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label="类型")
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label="状态")

    class Meta:
        model = Inspection
        fields = ["q", "kind", "status"]


class FindingFilterSet(SearchFilterMixin, StyledFilterSet):
    search_fields = ("description", "aspect__title")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    inspection = django_filters.ModelChoiceFilter(queryset=visible_inspections, label="巡察")
    aspect = django_filters.NumberFilter(field_name="aspect_id", label="方面ID")
    kind = django_filters.ChoiceFilter(choices=FindingKind.choices, label="类型")

    class Meta:
        model = Finding
        fields = ["q", "inspection", "aspect", "kind"]


class MeasureFilterSet(SearchFilterMixin, StyledFilterSet):
    """`overdue` / `overdue_ongoing` are the buckets of `selectors.bucket_q` as of today (stored,
    indexed columns: no annotation needed)."""

    search_fields = ("text", "finding__description", "lead_unit__name", "responsible_leader__name",
                     "responsible_person__name", "responsible_person_name")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    inspection = django_filters.ModelChoiceFilter(field_name="finding__inspection", queryset=visible_inspections,
                                                  label="巡察")
    finding = django_filters.NumberFilter(field_name="finding_id", label="反馈问题ID")
    status = django_filters.ChoiceFilter(choices=MeasureStatus.choices, label="状态")
    deadline_kind = django_filters.ChoiceFilter(choices=DeadlineKind.choices, label="时限类型")
    source_kind = django_filters.ChoiceFilter(choices=SourceKind.choices, label="来源")
    overdue = django_filters.BooleanFilter(
        method="filter_clock", label="逾期",
        widget=forms.Select(choices=[("", "全部"), ("true", "逾期"), ("false", "未逾期")]),
    )
    overdue_ongoing = django_filters.BooleanFilter(
        method="filter_clock", label="时间节点逾期",
        widget=forms.Select(choices=[("", "全部"), ("true", "时间节点逾期"), ("false", "未逾期")]),
    )
    lead_unit = django_filters.ModelChoiceFilter(queryset=visible_units, label="牵头单位")
    unit = django_filters.ModelChoiceFilter(field_name="unit_roles__unit", queryset=visible_units, method="filter_unit",
                                            label="责任单位（任一角色）")
    role = django_filters.ChoiceFilter(choices=UnitRole.choices, method="filter_noop", label="单位角色")
    leader = django_filters.NumberFilter(field_name="responsible_leader_id", label="责任领导ID")
    deadline_before = django_filters.DateFilter(field_name="deadline", lookup_expr="lte", label="时限不晚于")
    signed_off_by_import = django_filters.BooleanFilter(
        method="filter_signed_off_by_import", label="销号方式",
        widget=forms.Select(choices=[("", "全部"), ("true", "台账导入销号"), ("false", "审核销号或未销号")]),
    )

    class Meta:
        model = Measure
        fields = ["q", "inspection", "finding", "status", "deadline_kind", "source_kind", "overdue", "overdue_ongoing",
                  "lead_unit", "unit", "role", "leader", "deadline_before", "signed_off_by_import"]

    def filter_signed_off_by_import(self, queryset, name, value):
        """Measures signed off by a ledger import (no evidence behind the sign-off), or the others."""
        imported = Measure.objects.signed_off_by_import().values("pk")
        return queryset.filter(pk__in=imported) if value else queryset.exclude(pk__in=imported)

    def filter_unit(self, queryset, name, value):
        roles = MeasureUnit.objects.filter(unit=value)
        role = self.data.get("role") if self.data else None
        if role in UnitRole.values:
            roles = roles.filter(role=role)
        return queryset.filter(pk__in=roles.values("measure_id"))

    def filter_clock(self, queryset, name, value):
        from tongban.rectification.selectors import bucket_q

        condition = bucket_q(timezone.localdate())[name]
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_noop(self, queryset, name, value):
        return queryset  # read by filter_unit


class EvidenceFilterSet(FilterSet):
    measure = django_filters.NumberFilter(field_name="update__measure_id", label="整改措施ID")
    extension = django_filters.CharFilter(field_name="extension", label="类型")

    class Meta:
        model = Evidence
        fields = ["measure", "extension"]


class AccountabilityFilterSet(SearchFilterMixin, StyledFilterSet):
    search_fields = ("target_staff__name", "target_unit__name", "decided_by", "notes")
    q = django_filters.CharFilter(method="filter_q", label="关键词")
    action_kind = django_filters.ChoiceFilter(choices=ActionKind.choices, label="问责方式")
    reason_kind = django_filters.ChoiceFilter(choices=ReasonKind.choices, label="问责事由")
    measure = django_filters.NumberFilter(field_name="measures", label="整改措施ID")

    class Meta:
        model = Accountability
        fields = ["q", "action_kind", "reason_kind", "measure"]


class SignalFilterSet(StyledFilterSet):
    """The signals list (page, export, API): by signal, unit and inspection; unresolved by default on the page."""

    kind = django_filters.ChoiceFilter(choices=SignalKind.choices, label="提示")
    status = django_filters.ChoiceFilter(choices=SignalStatus.choices, label="处理")
    unresolved = django_filters.BooleanFilter(
        method="filter_unresolved", label="是否待核查",
        widget=forms.Select(choices=[("", "全部"), ("true", "待核查（仍存在、未处理）"), ("false", "已处理或已不存在")]))
    inspection = django_filters.ModelChoiceFilter(field_name="measure__finding__inspection",
                                                  queryset=visible_inspections, label="巡察")
    lead_unit = django_filters.ModelChoiceFilter(field_name="measure__lead_unit", queryset=visible_units,
                                                 label="牵头单位")
    measure_status = django_filters.ChoiceFilter(field_name="measure__status", choices=MeasureStatus.choices,
                                                 label="措施状态")
    measure = django_filters.NumberFilter(field_name="measure_id", label="整改措施ID")

    class Meta:
        model = Signal
        fields = ["kind", "status", "unresolved", "inspection", "lead_unit", "measure_status", "measure"]

    def filter_unresolved(self, queryset, name, value):
        unresolved = Q(active=True, status=SignalStatus.OPEN)
        return queryset.filter(unresolved) if value else queryset.exclude(unresolved)
