from html import escape

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe

from tongban.core.widgets import use_pickers


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续输错多次后账号将被临时锁定。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


class ChinesePasswordChangeForm(PasswordChangeForm):
    """The old password is checked through `authenticate`, so wrong guesses count towards the same lock-out
    as the login form (django-axes: name + address, and the per-address limit)."""

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        user = authenticate(self.request, username=self.user.get_username(), password=old_password)
        if user is None or user.pk != self.user.pk:
            raise forms.ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password


class DateInput(forms.DateInput):
    """A browser date picker: `<input type="date">` takes only ISO dates (2026-11-23), whatever the
    language's DATE_INPUT_FORMATS say (zh-hans renders 2026/11/23, which the input shows as blank)."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format=format or "%Y-%m-%d")


def style_fields(form: forms.BaseForm) -> forms.BaseForm:
    """Bootstrap classes on every widget, a Chinese placeholder on selects: 请选择 when a choice is required,
    （无） when it may stay empty (never Django's "---------"), and a searchable picker for every choice of
    records (units, people, items: `core.widgets`)."""
    use_pickers(form)
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect, forms.CheckboxSelectMultiple)):
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
        if getattr(field, "empty_label", None) == "---------":
            field.empty_label = "请选择" if field.required else "（无）"
            widget.choices = field.choices  # the widget holds a copy made when the field was built
        elif (isinstance(field, forms.TypedChoiceField) or type(field) is forms.ChoiceField) and field.choices:
            first_value, first_label = list(field.choices)[0]
            if first_value == "" and first_label == "---------":
                field.choices = [("", "请选择" if field.required else "（无）"), *list(field.choices)[1:]]
    return form


class FastSelect(forms.Select):
    """A <select> rendered in Python, one string per option, instead of one template per option:
    a filter bar listing 500 units renders in a millisecond instead of a tenth of a second. Same
    markup as Django's Select for flat choices (no optgroups)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        selected = {str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v is not None}
        if not selected:
            selected = {""}
        # html.escape, not format_html: Django's lazy-aware wrappers cost more than the escaping itself,
        # and two unit filters are a thousand options on every list page.
        options = []
        for key, label in self.choices:
            value = self.format_value_single(key)
            options.append(f'<option value="{escape(value)}"{" selected" if value in selected else ""}>'
                           f"{label if isinstance(label, SafeData) else escape(str(label))}</option>")
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe("".join(options)))  # noqa: S308

    @staticmethod
    def format_value_single(key) -> str:
        return "" if key is None else str(key)
