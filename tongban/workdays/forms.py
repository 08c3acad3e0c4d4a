from django import forms

from tongban.core.forms import DateInput
from tongban.workdays.models import FIRST_DAY, LAST_DAY

DATE_INPUT = DateInput(attrs={"class": "form-control"})


def in_calendar_range(day):
    if not FIRST_DAY <= day <= LAST_DAY:
        raise forms.ValidationError(f"日期应在 {FIRST_DAY} 至 {LAST_DAY} 之间。")
    return day


class CalculatorForm(forms.Form):
    start = forms.DateField(label="起算日（当天不计）", widget=DATE_INPUT)
    n = forms.IntegerField(label="工作日数", min_value=0, max_value=3650,
                           widget=forms.NumberInput(attrs={"class": "form-control"}))

    def clean_start(self):
        return in_calendar_range(self.cleaned_data["start"])


class ScheduleImportForm(forms.Form):
    file = forms.FileField(label="节假日安排文件（CSV、.xlsx、.xls、WPS .et 或 .ods）", allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"class": "form-control",
                                                                  "accept": ".csv,.xlsx,.xls,.et,.ods"}))


class OverrideForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE_INPUT)
    is_workday = forms.TypedChoiceField(
        label="当天", choices=[("1", "上班"), ("0", "休息")], coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    holiday_name = forms.CharField(label="名称（如 国庆节，可空）", max_length=40, required=False,
                                   widget=forms.TextInput(attrs={"class": "form-control"}))

    def clean_date(self):
        return in_calendar_range(self.cleaned_data["date"])
