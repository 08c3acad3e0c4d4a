from django import forms

from tongban.catalog.choices import DelegationMode, IntermediaryStatus, NegativeReason
from tongban.catalog.models import ServiceItem
from tongban.catalog.services import townships
from tongban.core.forms import DateInput, style_fields
from tongban.org.forms import VersionedForm
from tongban.org.models import Unit


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class ServiceItemForm(VersionedForm):
    class Meta:
        model = ServiceItem
        fields = [
            "name", "item_type", "level", "legal_basis", "conditions", "statutory_days", "promised_days",
            "fees", "fee_basis", "result_name", "result_kind", "place", "service_hours", "consult_phone",
            "complaint_phone", "visits_on_site", "case_kind", "is_concentrated", "is_authorised_to_window",
            "is_handled_at_window", "is_published", "is_intermediary_required",
        ]
        widgets = {"legal_basis": forms.Textarea(attrs={"rows": 2}), "conditions": forms.Textarea(attrs={"rows": 2})}


class DelegateForm(StyledForm):
    item = forms.ModelChoiceField(label="事项", queryset=ServiceItem.objects.none())
    all_townships = forms.BooleanField(label="下放至全部乡镇", required=False)
    townships = forms.ModelMultipleChoiceField(label="乡镇", queryset=Unit.objects.none(), required=False)
    mode = forms.ChoiceField(label="下放方式", choices=DelegationMode.choices)
    basis = forms.CharField(label="下放依据", max_length=300, required=False)
    delegated_on = forms.DateField(label="下放日期", widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ServiceItem.objects.visible_to(user).filter(level="county")
        self.fields["townships"].queryset = townships()

    def clean(self):
        data = super().clean()
        if not data.get("all_townships") and not data.get("townships"):
            raise forms.ValidationError("请选择乡镇，或勾选“下放至全部乡镇”。")
        return data


class StatusForm(StyledForm):
    """Carries the version the user saw (as VersionedForm does), so a stale status change is refused."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label="新状态", choices=IntermediaryStatus.choices)
    reason = forms.CharField(label="原因", max_length=300)
    deadline = forms.DateField(label="整改期限", required=False, widget=DateInput())


class FilingForm(StyledForm):
    title = forms.CharField(label="材料名称", max_length=200)
    file = forms.FileField(label="文件（PDF、图片、Word、Excel、OFD）")


class NegativeEntryForm(StyledForm):
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none())
    reason = forms.ChoiceField(label="问题类型", choices=NegativeReason.choices)
    description = forms.CharField(label="情况说明", max_length=300)
    rectify_deadline = forms.DateField(label="整改期限", widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user)
