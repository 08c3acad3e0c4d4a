from django import forms

from tongban.core.forms import style_fields
from tongban.org.models import Staff, Unit, Window


class VersionedForm(forms.ModelForm):
    """Carries the version the user started from, so a stale edit is refused instead of overwriting."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["expected_version"] = self.instance.version
        style_fields(self)

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class UnitForm(VersionedForm):
    aliases = forms.CharField(label="别名（台账中的其他写法，多个用“、”分隔）", required=False, max_length=600,
                              help_text="如：市场监管局、市监局。导入台账时按别名识别单位。")

    class Meta:
        model = Unit
        fields = ["name", "short_name", "address", "phone", "service_hours", "sort_order", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aliases"].widget.attrs["class"] = "form-control"
        if self.instance.pk and not self.is_bound:
            self.initial["aliases"] = "、".join(self.instance.alias_names)
        self.order_fields(["name", "short_name", "aliases"])

    def clean_aliases(self) -> list[str]:
        from tongban.org.services import alias_owners, alias_problem, split_aliases

        names = split_aliases(self.cleaned_data["aliases"])
        owners = alias_owners(names)
        problems = [p for n in names if (p := alias_problem(self.instance, n, taken=owners))]
        if problems:
            raise forms.ValidationError("；".join(problems))
        return names

    def changes(self) -> dict:
        return {**super().changes(), "aliases": self.cleaned_data["aliases"]}


class WindowForm(VersionedForm):
    class Meta:
        model = Window
        fields = ["name", "kind", "location", "is_active"]


class StaffForm(VersionedForm):
    class Meta:
        model = Staff
        fields = ["name", "position", "window", "phone", "email", "is_active"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = Window.objects.visible_to(user) if user else Window.objects.none()


class ImportForm(forms.Form):
    file = forms.FileField(label="表格文件（.xlsx、.xls、WPS .et 或 .ods）", allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.et,.ods"}))
    dry_run = forms.BooleanField(label="只检查，不写入", required=False)
