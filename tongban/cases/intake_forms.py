"""The forms of 收件登记 (/cases/new/): the applicant, the merged application form (一表申请) and the materials
checklist, each reporting every problem at once next to its field and keeping what was typed.

They parse and show; the rules live in the service: `ApplicantForm` asks `services.intake.clean_applicant`
(GB 11643, GB 32100, phones, required fields — one ValidationError per field with the codes of
`error_codes`), so the page and the API (`POST /api/v1/cases/`) refuse the same input with the same words.
The merged form's fields are checked by their catalogue data type (`check_form_data`, also used by the API).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from tongban.cases.choices import ApplicantKind, IdType, MaterialState
from tongban.cases.error_codes import CaseError, case_error
from tongban.cases.identity import normalise_id_number, validate_phone, validate_resident_id
from tongban.cases.services import intake
from tongban.catalog.choices import DataType
from tongban.core.error_codes import message_for
from tongban.core.forms import style_fields

FORM_VALUE_LIMIT = 500
COUNT_ERROR = "份数须为 0—99 的整数。"


class _Styled(forms.Form):
    """Bootstrap classes on every widget (those `add_fields` makes too) and `is-invalid` on refused ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_fields()
        style_fields(self)

    def add_fields(self) -> None:
        pass

    def error_count(self) -> int:
        return sum(len(errors) for errors in self.errors.values())

    def mark_invalid(self) -> None:
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def _text(label: str, limit: int, **kwargs) -> forms.CharField:
    # Required-ness is the service's rule (one message per field, with its code), so the fields only cap length.
    return forms.CharField(label=label, max_length=limit, required=False, **kwargs)


class ApplicantForm(_Styled):
    applicant_kind = forms.ChoiceField(label="申请人类型", choices=ApplicantKind.choices, initial=ApplicantKind.PERSON)
    applicant_name = _text("申请人（姓名或单位名称）", 200)
    id_type = forms.ChoiceField(label="证件类型（自然人）", choices=IdType.choices, required=False,
                                initial=IdType.RESIDENT_ID)
    id_number = _text("证件号码 / 统一社会信用代码", 40)
    phone = _text("联系电话", 20)
    legal_representative = _text("法定代表人", 40)
    contact_name = _text("联系人", 40)
    agent_name = _text("代办人（可选）", 40)
    agent_id_number = _text("代办人身份证号码", 18)
    agent_phone = _text("代办人电话", 20)

    def clean(self):
        data = super().clean()
        try:
            self.applicant = intake.clean_applicant(data)
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                if field not in self.errors:  # a field Django refused already (too long) says so once
                    self.add_error(field if field in self.fields else None, errors)
        return data


# --- 一表申请: the merged form's fields, checked by data type ---------------------------------------

@dataclass(frozen=True)
class FormField:
    code: str
    label: str
    data_type: str
    required: bool

    @property
    def name(self) -> str:
        return f"f_{self.code}"


def form_fields_for(item=None, bundle=None) -> list[FormField]:
    """The fields asked once: an item's own, or a bundle's merged set (catalog.bundles)."""
    if bundle is not None:
        from tongban.catalog.bundles import bundle_guide

        return [FormField(f.code, f.label, f.data_type, f.is_required) for f in bundle_guide(bundle).fields]
    if item is None:
        return []
    return [FormField(f.element.code, f.element.label, f.element.data_type, f.is_required)
            for f in item.form_fields.select_related("element").order_by("sort_order", "pk")]


ID_LIKE = re.compile(r"^[0-9]{17}[0-9X]$")
DATE_TEXT = re.compile(r"^([0-9]{4})\s*[-/.年]\s*([0-9]{1,2})\s*[-/.月]\s*([0-9]{1,2})\s*日?$")  # 2026-3-1, 2026年3月1日


def check_form_value(field: FormField, value) -> str:
    """The value as stored (text, trimmed); a ValidationError in Chinese when it is not of the field's type."""
    text = value.replace("\x00", "").strip() if isinstance(value, str) else ""
    if not isinstance(value, (str, type(None))):
        raise ValidationError(f"“{field.label}”应填写文字。", code="case_form_value")
    if not text:
        if field.required:
            raise ValidationError(f"请填写“{field.label}”。", code="case_form_required")
        return ""
    if len(text) > FORM_VALUE_LIMIT:
        raise case_error(CaseError.TOO_LONG, limit=FORM_VALUE_LIMIT)
    if field.data_type == DataType.NUMBER:
        try:
            Decimal(text.replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise ValidationError(f"“{field.label}”应填写数字。", code="case_form_number")
    elif field.data_type == DataType.DATE:
        parts = DATE_TEXT.match(text)
        try:
            return date(*map(int, parts.groups())).isoformat()
        except (AttributeError, ValueError):
            raise ValidationError(f"“{field.label}”不是有效日期，请按 2026-06-30 的格式填写。", code="case_form_date")
    elif field.data_type == DataType.PHONE:
        validate_phone(text)
    elif field.data_type == DataType.ID_NUMBER:
        text = normalise_id_number(text)
        if ID_LIKE.match(text):  # a resident ID: its GB 11643 check digit (other documents as typed)
            validate_resident_id(text)
    return text


def check_form_data(fields: list[FormField], data) -> tuple[dict, dict[str, list[ValidationError]]]:
    """({code: value}, {code: [errors]}) for the merged form, every field checked; values of fields not on the
    form are kept as text (an API client's extra keys), never checked."""
    data = data if hasattr(data, "get") else {}
    cleaned: dict[str, str] = {}
    errors: dict[str, list[ValidationError]] = {}
    for field in fields:
        try:
            cleaned[field.code] = check_form_value(field, data.get(field.code))
        except ValidationError as exc:
            errors[field.code] = exc.error_list
    return cleaned, errors


class ApplicationForm(_Styled):
    """一表申请: one input per merged field, named `f_<code>`."""

    def __init__(self, *args, form_fields: list[FormField], **kwargs):
        self.form_fields = form_fields
        super().__init__(*args, **kwargs)

    def add_fields(self) -> None:
        for field in self.form_fields:
            self.fields[field.name] = forms.CharField(
                label=field.label, required=False, max_length=FORM_VALUE_LIMIT,
                widget=forms.DateInput(attrs={"type": "date"}) if field.data_type == DataType.DATE else None)

    def clean(self):
        data = super().clean()
        values = {f.code: data.get(f.name, "") for f in self.form_fields if f.name not in self.errors}
        self.form_data, errors = check_form_data([f for f in self.form_fields if f.code in values], values)
        for code, field_errors in errors.items():
            self.add_error(f"f_{code}", field_errors)
        return data

    def rows(self):
        return [(field, self[field.name]) for field in self.form_fields]


# --- 材料清单 ---------------------------------------------------------------------------------------

class ChecklistForm(_Styled):
    """One row per material of the checklist: how it was received (m_), originals (o_), copies (c_) and what
    to correct (p_). Only a material the catalogue lets be pending may be marked 容缺后补."""

    def __init__(self, *args, checklist: list[dict], **kwargs):
        self.checklist = checklist
        super().__init__(*args, **kwargs)

    def add_fields(self) -> None:
        small = {"class": "form-control form-control-sm"}
        states = [(s.value, s.label) for s in MaterialState if s != MaterialState.PRODUCED]
        for m in self.askable():
            code = m["identity"].code
            choices = [(v, label) for v, label in states if v != MaterialState.PENDING or m["may_be_pending"]]
            initial = MaterialState.ELECTRONIC if m["is_electronic_licence"] else MaterialState.RECEIVED
            self.fields[f"m_{code}"] = forms.ChoiceField(
                label=f"{m['name']}收取情况", choices=choices, initial=initial, required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                error_messages={"invalid_choice": self._state_error(m)})
            for prefix, label, default in (("o", "原件份数", m["originals"]), ("c", "复印件份数", m["copies"])):
                self.fields[f"{prefix}_{code}"] = forms.IntegerField(
                    label=label, min_value=0, max_value=99, required=False, initial=default,
                    widget=forms.NumberInput(attrs=small), error_messages={key: COUNT_ERROR for key in ("invalid", "min_value", "max_value")})
            self.fields[f"p_{code}"] = forms.CharField(label="补正说明", max_length=300, required=False,
                                                       widget=forms.TextInput(attrs=small))
            if m["is_electronic_licence"]:  # the applicant's licence ticked instead of paper (radios of the licences app)
                self.fields[f"l_{code}"] = forms.IntegerField(
                    label=f"{m['name']}：代替的电子证照", required=False, min_value=1, max_value=2**31 - 1,
                    widget=forms.HiddenInput, error_messages={key: "请从列出的电子证照中选择。"
                                                             for key in ("invalid", "min_value", "max_value")})

    def askable(self) -> list[dict]:
        return [m for m in self.checklist if not m["produced"]]

    @staticmethod
    def _state_error(material: dict) -> str:
        # Django %-formats this message with the value: a "%" in a material's name must stay a "%".
        if material["may_be_pending"]:
            text = f"请选择“{material['name']}”的收取情况。"
        else:  # the only choice a form offers that it may refuse: 容缺后补
            text = f"{message_for(CaseError.NOT_PENDABLE, name=material['name'])}（请选择其他收取情况）"
        return text.replace("%", "%%")

    def materials(self) -> dict:
        """{code: {state, received_originals, received_copies, problem}} for `receive_case`; a material left
        out of the post keeps the checklist's default (电子证照免提交 or 缺少)."""
        data = self.cleaned_data
        states = {}
        for m in self.askable():
            code = m["identity"].code
            if not data.get(f"m_{code}"):
                continue
            if data.get(f"l_{code}"):  # a licence ticked: the material is settled by it, whatever the select said
                states[code] = {"state": MaterialState.ELECTRONIC}
                continue
            states[code] = {"state": data[f"m_{code}"], "problem": data.get(f"p_{code}", ""),
                            "received_originals": data.get(f"o_{code}"), "received_copies": data.get(f"c_{code}")}
            for key in ("received_originals", "received_copies"):
                if states[code][key] is None:
                    del states[code][key]
        return states

    def licences(self) -> dict[str, int]:
        """{material code: licence id} ticked at intake (免提交), for `receive_case(licences=…)`."""
        return {name[2:]: value for name, value in self.cleaned_data.items() if name.startswith("l_") and value}

    def accepts_licences(self) -> list[dict]:
        """The materials of the checklist an electronic licence may stand in for."""
        return [m for m in self.askable() if m["is_electronic_licence"]]

    def rows(self):
        out = []
        for m in self.checklist:
            if m["produced"]:
                out.append((m, None))
                continue
            code = m["identity"].code
            out.append((m, {"state": self[f"m_{code}"], "originals": self[f"o_{code}"], "copies": self[f"c_{code}"],
                            "problem": self[f"p_{code}"]}))
        return out
