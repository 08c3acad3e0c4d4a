"""The one base of every FilterSet (pages and API alike): what a filter bar shows for "no filter".

django-filter's defaults leak through as "---------" (choice placeholders) and "未知 / 是 / 否" (Django's
NullBooleanSelect, whose empty choice is translated "Unknown"). A person filtering a list reads 全部, 是, 否;
the API keeps its values ("", "true", "false"). Widgets get Bootstrap's small form classes.
"""
from __future__ import annotations

import django_filters
from django import forms

ALL = "全部"


def relabel_filter_form(form: forms.Form) -> forms.Form:
    for field in form.fields.values():
        widget = field.widget
        if getattr(field, "empty_label", None) == "---------":
            field.empty_label = ALL
            widget.choices = field.choices  # the widget holds a copy made when the form was built
        elif isinstance(widget, forms.NullBooleanSelect):
            widget.choices = [("unknown", ALL), ("true", "是"), ("false", "否")]
        elif (type(field) in (forms.ChoiceField, forms.TypedChoiceField) and field.choices
              and list(field.choices)[0][0] == ""):
            field.choices = [("", ALL), *list(field.choices)[1:]]
        is_select = isinstance(widget, forms.Select)
        widget.attrs.setdefault("class", "form-select form-select-sm" if is_select else "form-control form-control-sm")
    return form


class FilterSet(django_filters.FilterSet):
    @property
    def form(self):
        form = super().form
        if not getattr(form, "_relabelled", False):
            relabel_filter_form(form)
            form._relabelled = True
        return form
