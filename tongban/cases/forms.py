"""The case page's actions as Django forms: every field validated at once, every error in Chinese next to its
field, what was typed kept; then the action's service (through `services.actions.perform`), whose
ValidationError (a stable code of `error_codes.py`) is shown on the field it concerns, or above the form.

Two forms, one per panel of the page, with the field names the page has always posted (and the API's names):

- `CaseActionForm`  the case-level buttons (受理, 一次性告知, 容缺受理, 不予受理, 出件, 撤回 …): the materials
                    checklist (`m_<code>` / `p_<code>`), 容缺 date and promise, handover fields, reason;
- `TaskActionForm`  one per open task of the reader (完成本环节, 准予, 不予许可, 特别程序, 延长审批期限 and its
                    approval): opinion / reason, licence number, special-procedure kind, working days.

Which buttons a reader gets, and so which fields a panel shows, comes from the transition table
(`transitions.page_actions`); a button pressed on a stale page is refused by the service with its reason.
"""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from tongban.cases import transitions
from tongban.cases.choices import HandoverMethod, MaterialState
from tongban.cases.error_codes import CaseError
from tongban.cases.models import Case, CaseMaterial, CaseTask
from tongban.catalog.choices import SpecialStepKind
from tongban.core.forms import DateInput, style_fields

CASE_ACTIONS = [(t.action, t.label) for t in transitions.TRANSITIONS.values()
                if not t.on_task and transitions.SYSTEM not in t.roles and transitions.APPLICANT not in t.roles]
TASK_ACTIONS = [(t.action, t.label) for t in transitions.TRANSITIONS.values() if t.on_task]
MATERIAL_ACTIONS = ("notify_correction", "correct", "accept", "accept_pending")
STATES = [(s.value, s.label) for s in MaterialState if s != MaterialState.PRODUCED]
HANDOVER_FIELDS = ("method", "licence_number", "electronic_licence_number", "tracking_number", "recipient")

# The fields each action reads (the rest of its panel is left alone).
CASE_FIELDS = {
    "accept_pending": ("pending_due", "promise_signed"),
    "refuse": ("reason",), "withdraw": ("reason",),
    "supply_pending": ("codes",),
    "deliver": HANDOVER_FIELDS,
    "forward": ("to_window",),
}
TASK_FIELDS = {
    "complete_step": ("reason",), "approve": ("reason", "result_number"), "deny": ("reason",),
    "suspend": ("kind", "reason"), "request_extension": ("workdays", "reason"),
    "approve_extension": ("reason",), "refuse_extension": ("reason",),
}
# Where a service error belongs on the form (by its stable code); the others are shown above the form.
ERROR_FIELDS = {
    CaseError.REASON_REQUIRED: "reason", CaseError.PENDING_PROMISE: "promise_signed",
    CaseError.PENDING_DUE: "pending_due", CaseError.SUSPENSION_KIND: "kind", CaseError.EXTENSION_DAYS: "workdays",
    CaseError.EXTENSION_USED_UP: "workdays", CaseError.HANDOVER_NUMBER: None,
    CaseError.FORWARD_TARGET: "to_window", CaseError.WINDOW_CANNOT_TAKE: "to_window",
}
CHOICE_ERROR = {"invalid_choice": "请从列表中选择（“%(value)s”不是可选的值）。", "required": "请选择。"}


class _ActionForm(forms.Form):
    action = forms.ChoiceField(label="操作", error_messages={"invalid_choice": "未知的操作。", "required": "未知的操作。"})

    fields_of: dict[str, tuple[str, ...]] = {}
    always: tuple[str, ...] = ("action",)

    def _keep_fields(self, actions: list[str]) -> None:
        """Only the fields the panel's buttons (and the posted action) read."""
        posted = self.data.get("action") if self.is_bound else None
        wanted = set(self.always)
        for name in [*actions, posted]:
            wanted |= set(self.fields_of.get(name, ()))
        for name in list(self.fields):
            if name not in wanted and not self._keep(name, actions + [posted]):
                del self.fields[name]
        style_fields(self)

    def _keep(self, name: str, actions: list) -> bool:
        return False

    def add_service_error(self, error: ValidationError) -> None:
        code = getattr(error, "code", None)
        field = ERROR_FIELDS.get(code)
        if code == CaseError.HANDOVER_NUMBER:
            field = {HandoverMethod.ELECTRONIC: "electronic_licence_number",
                     HandoverMethod.POST: "tracking_number"}.get(self.cleaned_data.get("method"))
        for message in error.messages:
            self.add_error(field if field in self.fields else None, message)


class CaseActionForm(_ActionForm):
    pending_due = forms.DateField(label="容缺材料补齐期限（不填按设置）", required=False, widget=DateInput,
                                  error_messages={"invalid": "请填写有效的日期，如 2026-12-10。"})
    promise_signed = forms.BooleanField(label="申请人已签署容缺受理承诺书", required=False)
    codes = forms.MultipleChoiceField(label="已补齐的容缺材料（不选为全部）", required=False,
                                      widget=forms.CheckboxSelectMultiple, error_messages=CHOICE_ERROR)
    method = forms.ChoiceField(label="出件方式", choices=HandoverMethod.choices, required=False,
                               error_messages=CHOICE_ERROR)
    licence_number = forms.CharField(label="纸质证照编号", max_length=60, required=False)
    electronic_licence_number = forms.CharField(label="电子证照编号", max_length=80, required=False)
    tracking_number = forms.CharField(label="邮寄单号", max_length=60, required=False)
    recipient = forms.CharField(label="领取人", max_length=40, required=False)
    reason = forms.CharField(label="理由（不予受理、撤回时必填）", max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    to_window = forms.ChoiceField(label="转送至（异地代收、多地联办）", required=False, error_messages=CHOICE_ERROR)

    fields_of = CASE_FIELDS

    def __init__(self, data=None, *, case: Case, materials: list[CaseMaterial], actions: list[str]):
        super().__init__(data)
        self.case = case
        self.fields["action"].choices = CASE_ACTIONS
        self.material_rows = []
        edit = bool(set(actions) & set(MATERIAL_ACTIONS)) or (self.is_bound and data.get("action") in MATERIAL_ACTIONS)
        for material in materials:
            if not edit or material.state == MaterialState.PRODUCED:
                continue
            code = material.identity.code
            self.fields[f"m_{code}"] = forms.ChoiceField(label=material.name, choices=STATES, required=False,
                                                         initial=material.state, error_messages=CHOICE_ERROR)
            self.fields[f"p_{code}"] = forms.CharField(label=f"{material.name}的补正说明", max_length=300,
                                                       required=False, initial=material.problem)
        self.fields["codes"].choices = [(m.identity.code, m.name) for m in materials if m.state == MaterialState.PENDING]
        if "forward" in actions or (self.is_bound and data.get("action") == "forward"):
            from tongban.cases.services.online import forward_targets

            self.targets = {str(w.pk): w for w in forward_targets(case)}
            self.fields["to_window"].choices = [("", "请选择"), *((pk, f"{w.unit.name} · {w.name}")
                                                                 for pk, w in self.targets.items())]
        self._keep_fields(actions)
        for material in materials:
            code = material.identity.code
            if f"m_{code}" in self.fields:
                self.material_rows.append((material, self[f"m_{code}"], self[f"p_{code}"]))

    def _keep(self, name: str, actions: list) -> bool:
        return name.startswith(("m_", "p_"))

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action in ("refuse", "withdraw") and not (data.get("reason") or "").strip():
            self.add_error("reason", f"{transitions.TRANSITIONS[action].label}须填写理由。")
        if action == "accept_pending":
            if not data.get("promise_signed"):
                self.add_error("promise_signed", "容缺受理须申请人签署容缺受理承诺书（请勾选已签署）。")
            if not any(value == MaterialState.PENDING for key, value in data.items() if key.startswith("m_")) \
                    and not self.case.materials.filter(state=MaterialState.PENDING).exists():
                self.add_error(None, "请在材料清单中把后补的材料标为“容缺后补”。")
        if action == "forward" and not data.get("to_window") and "to_window" not in self.errors:
            self.add_error("to_window", "请选择转送到哪个窗口。")
        if action == "deliver":
            method = data.get("method") or HandoverMethod.PAPER
            data["method"] = method
            needs = {HandoverMethod.POST: ("tracking_number", "邮寄单号")}
            if self.case.decision == "approved":
                needs[HandoverMethod.ELECTRONIC] = ("electronic_licence_number", "电子证照编号")
            if method in needs and not (data.get(needs[method][0]) or "").strip():
                self.add_error(needs[method][0], f"{HandoverMethod(method).label}须填写{needs[method][1]}。")
        return data

    def params(self) -> dict:
        data = self.cleaned_data
        states = {key[2:]: value for key, value in data.items() if key.startswith("m_") and value}
        return {
            "materials": {code: {"state": state, "problem": data.get(f"p_{code}", "")} for code, state in states.items()},
            "pending": [code for code, state in states.items() if state == MaterialState.PENDING],
            "promise_signed": bool(data.get("promise_signed")), "pending_due": data.get("pending_due"),
            "codes": data.get("codes") or [], "reason": data.get("reason", ""),
            **{name: data.get(name) or "" for name in HANDOVER_FIELDS},
            "to_window": getattr(self, "targets", {}).get(data.get("to_window") or ""),
        }


class TaskActionForm(_ActionForm):
    task = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1,
                              error_messages={"required": "请指明审查的是哪个部门的任务。",
                                              "invalid": "请指明审查的是哪个部门的任务。"})
    reason = forms.CharField(label="意见 / 理由", max_length=1000, required=False)
    result_number = forms.CharField(label="证照编号", max_length=60, required=False)
    kind = forms.ChoiceField(label="特别程序类型", choices=[("", "请选择"), *SpecialStepKind.choices], required=False,
                             error_messages=CHOICE_ERROR)
    workdays = forms.IntegerField(label="延长工作日", required=False, min_value=1, max_value=99,
                                  error_messages={"invalid": "请填写整数个工作日。",
                                                  "min_value": "延长的工作日至少为 1。",
                                                  "max_value": "延长的工作日不能超过 %(limit_value)s。"})

    fields_of = TASK_FIELDS
    always = ("action", "task")

    def __init__(self, data=None, *, case: Case, task: CaseTask | None = None, actions: list[str] = (), policy=None):
        super().__init__(data, initial={"task": task.pk} if task else None,
                         auto_id=f"id_t{task.pk}_%s" if task else "id_%s")
        self.case, self.task = case, task
        self.fields["action"].choices = TASK_ACTIONS
        self.caps = None
        if task is not None and "request_extension" in [*actions, self.data.get("action") if self.is_bound else None]:
            from tongban.cases.services.extensions import caps

            most, cap = self.caps = caps(case, task, policy)
            self.fields["workdays"].help_text = f"最多 {most} 个工作日（行政许可法第四十二条，上限 {cap}）"
            self.fields["workdays"].widget.attrs.update(min=1, max=max(most, 1))
        self._keep_fields(list(actions))

    def clean_task(self):
        task = self.case.tasks.filter(pk=self.cleaned_data["task"]).select_related("unit", "item").first()
        if task is None:
            raise ValidationError("该审查任务不属于这个办件。")
        return task

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if not action:
            return data
        transition = transitions.TRANSITIONS[action]
        if transition.reason_required and not (data.get("reason") or "").strip():
            self.add_error("reason", f"{transition.label}须填写意见或理由。")
        if action == "suspend" and not data.get("kind"):
            self.add_error("kind", "请选择特别程序的类型。")
        if action == "request_extension" and "workdays" not in self.errors:
            workdays = data.get("workdays")
            if workdays is None:
                self.add_error("workdays", "请填写延长的工作日数。")
            elif self.caps and workdays > self.caps[0]:
                most, cap = self.caps
                self.add_error("workdays", f"最多还能延长 {most} 个工作日（行政许可法第四十二条，上限 {cap}）。")
        return data

    def params(self) -> dict:
        data = self.cleaned_data
        return {"reason": data.get("reason", ""), "result_number": data.get("result_number") or "",
                "kind": data.get("kind") or "", "workdays": data.get("workdays")}


class ProvinceUploadForm(forms.Form):
    file = forms.FileField(label="省平台导出的办件文件（.csv、.xlsx、.xls、WPS .et 或 .ods）", allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.xls,.et,.ods"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class ProvinceExportForm(forms.Form):
    start = forms.DateField(label="收件日期起", widget=DateInput())
    end = forms.DateField(label="收件日期止", widget=DateInput())
    format = forms.ChoiceField(label="格式", choices=[("xlsx", "Excel（.xlsx）"), ("csv", "CSV")], initial="xlsx")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("收件日期止早于收件日期起。")
        return data
