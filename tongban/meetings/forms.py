"""Forms of 领导坐班 and the meetings: they parse and validate input; the services decide."""
from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.urls import Resolver404, resolve

from tongban.core.forms import DateInput, style_fields
from tongban.meetings.choices import Attendance, MeetingKind
from tongban.org.models import Staff, Unit


def _units(user):
    """The units `user` may pick: those in their scope (the one scope layer)."""
    return Unit.objects.visible_to(user).filter(is_active=True).select_related("kind").order_by("path")


def _people(user):
    return (Staff.objects.visible_to(user).filter(is_active=True).select_related("unit")
            .order_by("unit__path", "staff_no"))


class StyledForm(forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # the reader: the pickers hold only what they may see
        style_fields(self)


class DutyForm(StyledForm):
    leader = forms.ModelChoiceField(label="坐班领导", queryset=Staff.objects.none())
    duty_date = forms.DateField(label="坐班日期", widget=DateInput)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _people(self.user).filter(is_leader=True)


class AttendanceForm(StyledForm):
    attendance = forms.ChoiceField(label="到岗情况", choices=Attendance.choices)
    note = forms.CharField(label="备注", max_length=200, required=False)


class DutyDecisionForm(StyledForm):
    text = forms.CharField(label="决定事项", widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none())
    owner = forms.ModelChoiceField(label="责任人", queryset=Staff.objects.none(), required=False)
    deadline = forms.DateField(label="完成时限", widget=DateInput, required=False)
    open_measure = forms.BooleanField(label="交办整改（生成整改措施，纳入整改台账跟踪）", required=False)
    problem_source = forms.CharField(required=False, widget=forms.HiddenInput)
    problem_title = forms.CharField(required=False, widget=forms.HiddenInput)
    problem_url = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(self.user)
        self.fields["owner"].queryset = _people(self.user)

    def clean(self):
        cleaned = super().clean()
        url = (cleaned.get("problem_url") or "").strip()
        if url and not internal_path(url):
            # A hidden field, so the message goes on top of the form.
            self.add_error(None, "问题链接无效：只能链接到本平台的页面，请从问题清单中点“作决定”重新填写。")
        cleaned["problem_url"] = url
        return cleaned


def internal_path(url: str) -> bool:
    """A path of a page of this platform ("/meetings/duty/3/?x=1"), never another site or a javascript: link."""
    if not url.startswith("/") or url.startswith("//") or "\\" in url or any(c.isspace() or ord(c) < 32 for c in url):
        return False
    try:
        resolve(urlsplit(url).path)
    except Resolver404:
        return False
    return True


class ReferralForm(StyledForm):
    unit = forms.ModelChoiceField(label="派出单位", queryset=Unit.objects.none())
    title = forms.CharField(label="问题", max_length=200)
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reply_due = forms.DateField(label="答复期限", widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(self.user)


class AnswerForm(StyledForm):
    answer = forms.CharField(label="答复", widget=forms.Textarea(attrs={"rows": 3}))


class MeetingForm(StyledForm):
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    title = forms.CharField(label="会议名称", max_length=120)
    held_on = forms.DateField(label="会议日期", widget=DateInput)
    place = forms.CharField(label="地点", max_length=100, required=False)
    chair = forms.ModelChoiceField(label="主持人", queryset=Staff.objects.none(), required=False)
    units = forms.ModelMultipleChoiceField(label="参会单位", queryset=Unit.objects.none(), required=False)
    attendees = forms.ModelMultipleChoiceField(label="参会人员", queryset=Staff.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = _units(self.user)
        self.fields["chair"].queryset = _people(self.user).filter(is_leader=True)
        self.fields["attendees"].queryset = _people(self.user)


class MinutesForm(StyledForm):
    minutes = forms.CharField(label="会议纪要", widget=forms.Textarea(attrs={"rows": 8}),
                              help_text="会议主要内容，一段一行；议定事项在下方逐条添加")
    version = forms.IntegerField(widget=forms.HiddenInput)


class MeetingDecisionForm(StyledForm):
    text = forms.CharField(label="议定事项", widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ModelChoiceField(label="责任单位", queryset=Unit.objects.none())
    owner = forms.ModelChoiceField(label="责任人", queryset=Staff.objects.none(), required=False)
    deadline = forms.DateField(label="完成时限", widget=DateInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(self.user)
        self.fields["owner"].queryset = _people(self.user)
