"""One FilterSet for case lists, used by the pages and the API alike."""
from __future__ import annotations

import re

import django_filters
from django import forms
from django.db.models import Q

from tongban.cases.choices import CaseStatus
from tongban.cases.identity import normalise_id_number
from tongban.cases.models import Case, CaseTask
from tongban.catalog.models import Bundle, ServiceItem
from tongban.core.filtersets import FilterSet
from tongban.core.forms import FastSelect
from tongban.org.models import Unit, Window

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
    if code.isascii() and code.isdigit() and len(code) >= 8:
        return number_prefix_q(code)
    return Q(applicant_name__icontains=text) | Q(title__icontains=text) | Q(number=text)


def number_prefix_q(prefix: str) -> Q:
    """Case numbers starting with `prefix`, as a range: a number is digits only (region code + date +
    sequence), so those starting with the prefix are exactly those between it and the prefix padded with 9s.
    The unique index on `number` then finds them in the list's own order (newest first) and stops after one
    page, under any collation; a LIKE needs a C collation or the pattern_ops index, is estimated at a few
    rows, and sorted every match (8,000 for a day's prefix at 1M cases: 96 ms, tongban bench cases)."""
    highest = prefix + "9" * (Case._meta.get_field("number").max_length - len(prefix))
    return Q(number__gte=prefix, number__lte=highest)


class CaseFilterSet(FilterSet):
    q = django_filters.CharFilter(label="搜索", method="search", max_length=60,
                                  help_text="办件编号、申请人、事项名称，或完整的证件号码")
    # The selects are rendered in Python (core.forms.FastSelect, same markup): each Django widget template was
    # a millisecond of every list page (tongban bench cases).
    status = django_filters.ChoiceFilter(label="状态", choices=CaseStatus.choices, widget=FastSelect)
    # A county's catalogue holds thousands of items: as a select on every list page they were most of its
    # HTML and its rendering. The item or bundle comes from a link (the item's page, the API) and shows as a
    # chip; on the page one finds an item by its name in 搜索.
    item = django_filters.ModelChoiceFilter(label="事项", queryset=ServiceItem.objects.all(), widget=forms.NumberInput)
    bundle = django_filters.ModelChoiceFilter(label="一件事", queryset=Bundle.objects.all(), widget=forms.NumberInput)
    # The units come from the reader's scope, built per request in __init__ (a township admin never sees the
    # county's other unit names, in a select or the API's filter form); with no reader, none.
    intake_unit = django_filters.ModelChoiceFilter(label="受理单位", queryset=Unit.objects.none(), widget=FastSelect)
    received_after = django_filters.DateFilter(label="收件日期起", field_name="received_on", lookup_expr="gte")
    received_before = django_filters.DateFilter(label="收件日期止", field_name="received_on", lookup_expr="lte")
    overdue = django_filters.BooleanFilter(label="超期", method="filter_overdue")

    class Meta:
        model = Case
        fields = ["q", "status", "item", "bundle", "intake_unit", "received_after", "received_before", "overdue"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None and self.request is not None:  # the API (DjangoFilterBackend passes the request)
            user = self.request.user
        if user is not None:  # the units that receive cases (they have a window), not the whole unit tree
            self.filters["intake_unit"].queryset = (Unit.objects.visible_to(user)
                                                    .filter(pk__in=Window.objects.values("unit_id")))

    def active_filters(self) -> list[dict]:
        """The chips above the list: each filter in force as the reader names it, and the query without it."""
        if not self.is_bound or not self.is_valid():
            return []
        chips = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, ""):
                continue
            rest = self.data.copy()
            rest.pop(name, None)
            rest.pop("cursor", None)
            shown = dict(self.form.fields[name].choices).get(value, value) if name == "status" else value
            chips.append({"name": name, "label": self.form.fields[name].label, "remove": rest.urlencode(),
                          "value": {True: "是", False: "否"}.get(shown, shown) if isinstance(shown, bool) else shown})
        return chips

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
