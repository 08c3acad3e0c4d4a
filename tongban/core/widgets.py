"""Searchable pickers for long lists of units, people and items (Tom Select, from the npm registry).

A plain `<select multiple>` of 60 units or 96 names is unusable; these render the same `<select>` (so the form
works without JavaScript and posts the same values) and add to each option what the picker searches besides
its label: full pinyin and initials of the label (王股长: wangguzhang, wgz) and a hint the model gives through
`picker_hint` (a person's unit and position, a unit's kind), which is shown under the name and searched too.
`static/js/pickers.js` turns every `select[data-picker]` into a Tom Select.
"""
from __future__ import annotations

import json

from django import forms

from tongban.core.pinyin import full_pinyin, initials


class PickerMixin:
    picker_attrs = {"data-picker": "1", "data-placeholder": "输入名称或拼音首字母搜索"}

    def __init__(self, attrs=None, choices=()):
        super().__init__({**self.picker_attrs, **(attrs or {})}, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value in ("", None):
            return option
        instance = getattr(value, "instance", None)
        text = str(label)
        data = {
            "pinyin": getattr(instance, "search_pinyin", "") or full_pinyin(text),
            "initials": getattr(instance, "search_initials", "") or initials(text),
            "hint": str(getattr(instance, "picker_hint", "") or ""),
        }
        option["attrs"]["data-data"] = json.dumps(data, ensure_ascii=False)
        return option


class PickerSelect(PickerMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerMixin, forms.SelectMultiple):
    pass


def use_pickers(form: forms.BaseForm) -> forms.BaseForm:
    """Give every model choice field of `form` a searchable picker (keeping its attributes)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, PickerMixin) or not isinstance(field, forms.ModelChoiceField):
            continue
        picker = PickerSelectMultiple if isinstance(widget, forms.SelectMultiple) else PickerSelect
        if type(widget) not in (forms.Select, forms.SelectMultiple):
            continue  # radio buttons, hidden inputs … stay what they are
        attrs = {k: v for k, v in widget.attrs.items() if k != "size"}
        placeholder = getattr(field.queryset.model, "picker_placeholder", "")
        if placeholder:
            attrs["data-placeholder"] = placeholder
        field.widget = picker(attrs=attrs)
        field.widget.choices = field.choices
    return form
