"""The base of every FilterSet (pages and API alike): numbers and ids are checked before they reach the
database, and an invalid filter shows nothing with a Chinese reason instead of being silently dropped.

A number beyond what the database stores (`?unit=99999999999999999999`, above 2^63 − 1) used to reach
the driver and end in an OverflowError (a 500): here it is a form error like any other — 400 in the
`{code, detail, errors}` shape in the API, a red line above the list on the pages.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters import fields as filter_fields

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
OUT_OF_RANGE = "数值超出范围（须在 -9223372036854775808 到 9223372036854775807 之间）。"


def check_in_range(value) -> None:
    if value is not None and not (BIGINT_MIN <= value <= BIGINT_MAX):
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")


class BoundedDecimalField(forms.DecimalField):
    """NumberFilter's field, refusing what no integer column holds."""

    def validate(self, value):
        super().validate(value)
        check_in_range(value)


class _BoundedIdMixin:
    """A choice by id: an id that is not a number the database can hold is an invalid choice, refused
    before the query (where it would be an OverflowError)."""

    def _check_id(self, value):
        if value in self.empty_values or getattr(self, "to_field_name", None):
            return
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return  # the model field's own check says 请选择有效的选项
        if number.is_finite() and not (BIGINT_MIN <= number <= BIGINT_MAX):
            raise ValidationError(OUT_OF_RANGE, code="out_of_range")


class BoundedModelChoiceField(_BoundedIdMixin, filter_fields.ModelChoiceField):
    def to_python(self, value):
        self._check_id(value)
        return super().to_python(value)


class BoundedModelMultipleChoiceField(_BoundedIdMixin, filter_fields.ModelMultipleChoiceField):
    def clean(self, value):
        for item in value or ():
            self._check_id(item)
        return super().clean(value)


BOUNDED_FIELDS = {
    forms.DecimalField: BoundedDecimalField,
    filter_fields.ModelChoiceField: BoundedModelChoiceField,
    filter_fields.ModelMultipleChoiceField: BoundedModelMultipleChoiceField,
}


class FilterSet(django_filters.FilterSet):
    """Every FilterSet of tongban derives from this one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for filter_ in self.filters.values():  # copies per instance: the class's filters stay as declared
            filter_.field_class = BOUNDED_FIELDS.get(filter_.field_class, filter_.field_class)

    @property
    def qs(self):
        """The filtered rows; an invalid filter yields no rows (with `error_list` saying why) instead of
        being silently dropped. The API never gets here with an invalid filter: it answers 400."""
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return super().qs

    @property
    def strict_qs(self):
        return self.qs

    def error_list(self) -> list[str]:
        form = self.form
        return [f"{form.fields[name].label if name in form.fields else '筛选'}：{message}"
                for name, messages in self.errors.items() for message in messages]
