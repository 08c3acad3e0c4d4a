from django import forms

from tongban.core.forms import DateInput, style_fields
from tongban.jobs.filtersets import job_choices
from tongban.jobs.schedule import today


class RunNowForm(forms.Form):
    """立即运行: which job, for which date; `force` runs a period again that already succeeded."""

    job = forms.ChoiceField(label="任务", choices=job_choices)
    for_date = forms.DateField(label="日期", widget=DateInput())
    force = forms.BooleanField(label="已完成也重新运行", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["for_date"].initial = today
        style_fields(self)
