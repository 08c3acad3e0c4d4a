from django import forms

from tongban.staffing.models import LeaveKind

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
