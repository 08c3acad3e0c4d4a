from django import forms

from tongban.staffing.models import InspectionAspect, LeaveKind

COLUMN_CHOICES = [("", "自动识别")] + [(str(i), f"第{i + 1}列") for i in range(30)]


class AttendanceImportForm(forms.Form):
    file = forms.FileField(label="考勤机导出文件（.csv、.xlsx、.xls、WPS .et 或 .ods）", allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx,.xls,.et,.ods"}))
    staff_no = forms.ChoiceField(label="工号列", choices=COLUMN_CHOICES, required=False)
    name = forms.ChoiceField(label="姓名列", choices=COLUMN_CHOICES, required=False)
    date = forms.ChoiceField(label="日期列", choices=COLUMN_CHOICES, required=False)
    time = forms.ChoiceField(label="时间列", choices=COLUMN_CHOICES, required=False)

    def overrides(self) -> dict:
        return {k: int(self.cleaned_data[k]) for k in ("staff_no", "name", "date", "time") if self.cleaned_data.get(k)}


class LeaveForm(forms.Form):
    staff = forms.IntegerField(label="工作人员", widget=forms.Select)
    kind = forms.ChoiceField(label="类别", choices=LeaveKind.choices)
    first_day = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(label="结束日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="事由", max_length=200)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class InspectionForm(forms.Form):
    staff = forms.IntegerField(label="被督查人员", widget=forms.Select)
    inspected_on = forms.DateField(label="督查日期", widget=forms.DateInput(attrs={"type": "date"}))
    aspect = forms.ChoiceField(label="督查内容", choices=InspectionAspect.choices)
    finding = forms.CharField(label="发现的问题（未发现问题留空）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = MultipleFileField(label="照片（.jpg、.png，可多张）", required=False)


class TalkForm(forms.Form):
    staff = forms.IntegerField(label="约谈对象", widget=forms.Select)
    held_on = forms.DateField(label="约谈日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="约谈事由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    agreed = forms.CharField(label="约谈结果", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class HandOverForm(forms.Form):
    to = forms.IntegerField(label="交接给", widget=forms.Select)


class ReturnForm(forms.Form):
    returned_on = forms.DateField(label="退回日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="退回原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
