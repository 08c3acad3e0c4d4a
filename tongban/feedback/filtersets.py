"""One FilterSet per list, used by the page and the API alike."""
from __future__ import annotations

import django_filters

from tongban.core.filtersets import FilterSet
from tongban.feedback.choices import ComplaintCategory, ComplaintChannel, HandlingStatus, Level, RatingChannel
from tongban.feedback.models import Complaint, Rating


class RatingFilterSet(FilterSet):
    handling_status = django_filters.ChoiceFilter(choices=HandlingStatus.choices, label="处理状态")
    level = django_filters.TypedChoiceFilter(choices=Level.choices, coerce=int, label="评价")
    channel = django_filters.ChoiceFilter(choices=RatingChannel.choices, label="渠道")

    class Meta:
        model = Rating
        fields = ["handling_status", "level", "channel"]


class ComplaintFilterSet(FilterSet):
    handling_status = django_filters.ChoiceFilter(choices=HandlingStatus.choices, label="处理状态")
    channel = django_filters.ChoiceFilter(choices=ComplaintChannel.choices, label="来源")
    category = django_filters.ChoiceFilter(choices=ComplaintCategory.choices, label="类别")

    class Meta:
        model = Complaint
        fields = ["handling_status", "channel", "category"]
