"""Forms of the rectification pages. They parse input only; the services decide and write."""
from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from tongban.core.forms import DateInput, style_fields
from tongban.org.forms import VersionedForm
from tongban.org.models import Staff, Unit
from tongban.rectification import services
from tongban.rectification.choices import ActionKind, DeadlineKind, FindingKind, GroupRole, ReasonKind, SignalStatus
from tongban.rectification.models import Inspection, Measure, RectificationGroup


class StyledForm(forms.Form):
    """Bootstrap classes on every widget (the same classes VersionedForm gives model forms)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one input; each is checked by the service (type, content, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_empty_file", True)  # the service names an empty file (“文件“x.pdf”是空文件。”)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class DateListField(forms.CharField):
    """Checkpoint dates, one per line or separated by commas: 2024-03-31, 2024-06-30."""

    def clean(self, value):
        value = super().clean(value)
        days = []
        for part in re.split(r"[\s,，、;；]+", value or ""):
            if not part:
                continue
            try:
                days.append(date.fromisoformat(part.replace("/", "-").replace(".", "-")))
            except ValueError:
                raise ValidationError(f"“{part}”不是有效日期，请按 2024-06-30 的格式填写。")
        return sorted(set(days))


def _units(user):
    return Unit.objects.visible_to(user).filter(is_active=True).order_by("path")


def _staff(user):
    return Staff.objects.visible_to(user).filter(is_active=True).select_related("unit").order_by("unit__path", "name")


class InspectionForm(VersionedForm):
    class Meta:
        model = Inspection
        fields = ["title", "kind", "body", "group", "inspected_unit", "feedback_date", "report_due_date", "status",
                  "notes"]
        widgets = {"feedback_date": DateInput(), "report_due_date": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspected_unit"].queryset = _units(user)
        self.fields["report_due_date"].required = False
        if not self.instance.pk:
            self.fields["expected_version"].required = False


class FindingForm(StyledForm):
    aspect_title = forms.CharField(label="问题方面", max_length=300, required=False,
                                   help_text="如：牵头作用发挥不充分，合力不足；同名方面自动归并")
    kind = forms.ChoiceField(label="类型", choices=FindingKind.choices)
    description = forms.CharField(label="具体问题", widget=forms.Textarea(attrs={"rows": 3}))


class MeasureForm(StyledForm):
    text = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 3}))
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none())
    coordinating_units = forms.ModelMultipleChoiceField(label="协调单位", queryset=Unit.objects.none(), required=False)
    supporting_units = forms.ModelMultipleChoiceField(label="配合单位", queryset=Unit.objects.none(), required=False)
    responsible_leader = forms.ModelChoiceField(label="责任领导", queryset=Staff.objects.none(), required=False)
    responsible_leader_name = forms.CharField(label="责任领导（不在系统中时填姓名）", max_length=40, required=False)
    responsible_person = forms.ModelChoiceField(label="责任人", queryset=Staff.objects.none(), required=False)
    responsible_person_name = forms.CharField(label="责任人（不在系统中时填姓名）", max_length=40, required=False)
    deadline_kind = forms.ChoiceField(label="时限类型", choices=DeadlineKind.choices)
    deadline = forms.DateField(label="完成时限", required=False, widget=DateInput())
    checkpoints = DateListField(label="时间节点（长期坚持）", required=False,
                                widget=forms.Textarea(attrs={"rows": 2, "placeholder": "2024-06-30, 2024-12-31"}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def initial_for(measure: Measure) -> dict:
        return {
            **{name: getattr(measure, name) for name in ("text", "lead_unit", "responsible_leader", "responsible_leader_name",
                                                          "responsible_person", "responsible_person_name",
                                                          "deadline_kind", "deadline")},
            "coordinating_units": measure.coordinating_units,
            "supporting_units": measure.supporting_units,
            "checkpoints": ", ".join(c.due_date.isoformat() for c in measure.checkpoints.all()),
            "expected_version": measure.version,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead_unit", "coordinating_units", "supporting_units"):
            self.fields[name].queryset = _units(user)
        for name in ("responsible_leader", "responsible_person"):
            self.fields[name].queryset = _staff(user)
        for name in ("coordinating_units", "supporting_units"):
            self.fields[name].widget.attrs["size"] = 6

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("expected_version", None)
        return data


class ProgressForm(StyledForm):
    text = forms.CharField(label="整改进展", widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label="佐证材料（PDF、JPG、PNG、DOCX、XLSX，可多选）")


class CheckpointReportForm(ProgressForm):
    checkpoint = forms.ModelChoiceField(label="时间节点", queryset=None)

    def __init__(self, *args, measure: Measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = measure.checkpoints.filter(reported_at__isnull=True)
        self.order_fields(["checkpoint", "text", "files"])


class SubmitForm(StyledForm):
    result = forms.CharField(label="整改成效（效果清单）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VerifyForm(StyledForm):
    comment = forms.CharField(label="审核意见", required=False, max_length=200)
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReturnForm(StyledForm):
    reason = forms.CharField(label="退回理由", widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class RevisitScheduleForm(StyledForm):
    scheduled_date = forms.DateField(label="回头看日期", widget=DateInput())


class RevisitRecordForm(StyledForm):
    revisit = forms.IntegerField(widget=forms.HiddenInput)
    done_date = forms.DateField(label="完成日期", widget=DateInput())
    satisfied = forms.TypedChoiceField(label="群众是否满意", choices=[("1", "满意"), ("0", "不满意")],
                                       coerce=lambda v: v == "1", widget=forms.RadioSelect)
    notes = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    new_deadline = forms.DateField(label="重新整改时限（不满意时必填）", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_date"].widget.attrs["max"] = timezone.localdate().isoformat()  # earlier than planned is fine

    def clean_done_date(self):
        done_date = self.cleaned_data["done_date"]
        services.check_revisit_done_date(done_date)  # the service's rule, so the form says the same
        return done_date


class AccountabilityForm(StyledForm):
    action_kind = forms.ChoiceField(label="问责方式", choices=ActionKind.choices)
    reason_kind = forms.ChoiceField(label="问责事由", choices=ReasonKind.choices)
    target_staff = forms.ModelChoiceField(label="问责对象（人员）", queryset=Staff.objects.none(), required=False)
    target_unit = forms.ModelChoiceField(label="问责对象（单位）", queryset=Unit.objects.none(), required=False)
    decided_on = forms.DateField(label="决定日期", widget=DateInput())
    decided_by = forms.CharField(label="决定机关", max_length=60, initial="中心党组")
    notes = forms.CharField(label="情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_staff"].queryset = _staff(user)
        self.fields["target_unit"].queryset = _units(user)


SPREADSHEET_ACCEPT = ".xlsx,.xls,.et,.ods"


class LedgerUploadForm(StyledForm):
    file = forms.FileField(label="整改台账（.xlsx、.xls、WPS .et 或 .ods）", allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": SPREADSHEET_ACCEPT}))
    inspection = forms.ModelChoiceField(label="导入到巡察", queryset=Inspection.objects.none(), required=False,
                                        empty_label="（按台账标题新建）")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = Inspection.objects.visible_to(user)


class RectificationGroupForm(StyledForm):
    """整改工作领导小组: 组长 / 副组长 / 成员 from the staff the user may see, and its office."""

    ROLE_FIELDS = {"leaders": GroupRole.LEADER, "deputies": GroupRole.DEPUTY, "members": GroupRole.MEMBER}

    name = forms.CharField(label="名称", max_length=100, initial=RectificationGroup._meta.get_field("name").default)
    leaders = forms.ModelMultipleChoiceField(label="组长", queryset=Staff.objects.none())
    deputies = forms.ModelMultipleChoiceField(label="副组长", queryset=Staff.objects.none(), required=False)
    members = forms.ModelMultipleChoiceField(label="成员", queryset=Staff.objects.none(), required=False)
    office_unit = forms.ModelChoiceField(label="办公室设在", queryset=Unit.objects.none(), required=False)
    office_duties = forms.CharField(label="办公室职责", initial=RectificationGroup.DEFAULT_DUTIES,
                                    widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.ROLE_FIELDS:
            self.fields[name].queryset = _staff(user)
            self.fields[name].widget.attrs["size"] = 6
        self.fields["office_unit"].queryset = _units(user)

    @classmethod
    def initial_for(cls, group: RectificationGroup | None) -> dict:
        if group is None:
            return {}
        roles = {role: name for name, role in cls.ROLE_FIELDS.items()}
        initial = {"name": group.name, "office_unit": group.office_unit, "office_duties": group.office_duties}
        for member in group.members.all():
            initial.setdefault(roles[member.role], []).append(member.staff_id)
        return initial

    def clean(self):
        data = super().clean()
        seen: dict[int, str] = {}
        twice = []
        for name in self.ROLE_FIELDS:
            for staff in data.get(name) or ():
                if staff.pk in seen:
                    twice.append(staff.name)
                seen[staff.pk] = name
        if twice:
            raise ValidationError(f"同一人只能担任一个职务：{'、'.join(twice)}。")
        return data

    def service_kwargs(self) -> dict:
        """`services.set_rectification_group` arguments: members as (staff, role, 本职) in order."""
        data = self.cleaned_data
        members = [(staff, role, staff.position) for name, role in self.ROLE_FIELDS.items() for staff in data[name]]
        return {"members": members, "name": data["name"], "office_unit": data["office_unit"],
                "office_duties": data["office_duties"]}


class WorkPlanForm(StyledForm):
    title = forms.CharField(label="名称", max_length=200)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(label="制定单位", queryset=Unit.objects.none())
    inspection = forms.ModelChoiceField(label="对应巡察", queryset=Inspection.objects.none(), required=False)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units(user)
        self.fields["inspection"].queryset = Inspection.objects.visible_to(user)


class PlanTaskForm(StyledForm):
    title = forms.CharField(label="任务", max_length=200)
    description = forms.CharField(label="具体要求", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    lead_unit = forms.ModelChoiceField(label="牵头单位", queryset=Unit.objects.none())
    units = forms.ModelMultipleChoiceField(label="责任单位（科室）", queryset=Unit.objects.none(), required=False)
    leaders = forms.ModelMultipleChoiceField(label="责任领导", queryset=Staff.objects.none(), required=False)
    deadline = forms.DateField(label="完成时限", required=False, widget=DateInput())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead_unit", "units"):
            self.fields[name].queryset = _units(user)
        self.fields["leaders"].queryset = _staff(user)
        for name in ("units", "leaders"):
            self.fields[name].widget.attrs["size"] = 5


class SignalDecisionForm(StyledForm):
    """已核查，无问题 / 安排回头看 / 记录问责 on one signal; the last two take the existing actions' fields."""

    decision = forms.ChoiceField(label="处理", choices=[(c, l) for c, l in SignalStatus.choices if c != SignalStatus.OPEN],
                                 widget=forms.HiddenInput)
    reason = forms.CharField(label="核查情况 / 处理理由", widget=forms.Textarea(attrs={"rows": 2}))
    scheduled_date = forms.DateField(label="回头看日期", widget=DateInput(), required=False)
