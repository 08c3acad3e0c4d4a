"""Case API shapes. Personal data is always masked here (the full values only on the case page, logged)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tongban.cases import privacy, selectors, transitions
from tongban.cases.choices import ApplicantKind, HandoverMethod, IdType, MaterialState
from tongban.cases.models import Case, CaseEvent, CaseMaterial, CaseTask, Extension, TaskStep
from tongban.catalog.choices import SpecialStepKind

MAX_ID = 2**31 - 1


class TaskStepSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = TaskStep
        fields = ["order", "name", "days", "status", "status_display", "started_on", "due_date", "completed_on",
                  "opinion"]


class ExtensionSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Extension
        fields = ["id", "task", "workdays", "reason", "status", "status_display", "requested_on", "decided_on",
                  "decision_note", "due_before", "due_after"]


class CaseTaskSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = CaseTask
        fields = ["id", "item", "item_name", "unit", "unit_name", "stage", "status", "status_display", "opened_on",
                  "budget_workdays", "extended_workdays", "due_date", "steps_before_decision", "extension_pending",
                  "decided_on", "reason", "result_number"]


class CaseTaskDetailSerializer(CaseTaskSerializer):
    steps = TaskStepSerializer(many=True, read_only=True)

    class Meta(CaseTaskSerializer.Meta):
        fields = [*CaseTaskSerializer.Meta.fields, "steps"]


class CaseTaskQueueSerializer(CaseTaskSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    case_status = serializers.CharField(source="case.status", read_only=True)
    applicant_name = serializers.CharField(source="case.applicant_name", read_only=True)

    class Meta(CaseTaskSerializer.Meta):
        fields = ["case_number", "case_status", "applicant_name", *CaseTaskSerializer.Meta.fields]


class CaseMaterialSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="identity.code", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = CaseMaterial
        fields = ["code", "name", "is_required", "may_be_pending", "is_electronic_licence", "originals", "copies",
                  "state", "state_display", "received_originals", "received_copies", "problem", "supplied_on"]


class CaseEventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "code", "blzt", "message", "task", "at", "actor_name"]

    @extend_schema_field(serializers.CharField())
    def get_actor_name(self, event) -> str:
        actor = event.actor
        if actor is None:
            return "系统"
        return actor.first_name or actor.username


class CaseSerializer(serializers.ModelSerializer):
    """A case as lists show it: the ID number and phone masked."""

    id_number = serializers.SerializerMethodField(help_text="自然人证件号码（脱敏）或统一社会信用代码")
    phone = serializers.SerializerMethodField(help_text="联系电话（脱敏）")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    intake_window_name = serializers.CharField(source="intake_window.name", read_only=True)
    intake_unit_name = serializers.CharField(source="intake_unit.name", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    reviewing_units = serializers.SerializerMethodField(help_text="审查部门：各子办件的审查单位名称（按阶段）")

    class Meta:
        model = Case
        fields = ["id", "number", "item", "bundle", "title", "applicant_kind", "applicant_name", "id_type",
                  "id_number", "phone", "intake_window", "intake_window_name", "intake_unit", "intake_unit_name",
                  "status", "status_display", "received_on", "accepted_on", "deemed_accepted",
                  "accepted_with_pending", "pending_due_date", "pending_overdue", "decision", "decided_on",
                  "closed_on", "budget_workdays", "suspended_workdays", "extended_workdays", "due_date", "warn_date",
                  "delivery_due_date", "channel", "channel_display", "first_unit", "reviewing_units"]

    @extend_schema_field(serializers.CharField())
    def get_id_number(self, case) -> str:
        return privacy.masked_id_number(case)

    @extend_schema_field(serializers.CharField())
    def get_phone(self, case) -> str:
        return privacy.masked_phone(case)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_reviewing_units(self, case) -> list[str]:
        """From the page's one query (`CaseViewSet.paginate_queryset`), or this case's own."""
        known = self.context.get("reviewing_units")
        if known is None:
            known = selectors.reviewing_units([case.pk])
        return known.get(case.pk, [])


class CaseDetailSerializer(CaseSerializer):
    tasks = CaseTaskDetailSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    materials = CaseMaterialSerializer(many=True, read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField(help_text="调用者当前可执行的办件操作（任务操作见 task_actions）")
    task_actions = serializers.SerializerMethodField(help_text="各子办件上调用者可执行的操作：{任务 id: [操作]}")

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "refusal_reason", "decision_reason", "withdrawal_reason", "tasks",
                  "extensions", "materials", "events", "actions", "task_actions"]

    def _actions(self, case):
        """The transition table's buttons for the caller, worked out once for the case and all its tasks."""
        if getattr(case, "_page_actions", None) is None:
            case._page_actions = transitions.page_actions(case, self.context["request"].user, list(case.tasks.all()))
        return case._page_actions

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, case) -> list[str]:
        return [t.action for t in self._actions(case)[0]]

    @extend_schema_field(serializers.DictField(child=serializers.ListField(child=serializers.CharField())))
    def get_task_actions(self, case) -> dict:
        return {str(pk): [t.action for t in buttons] for pk, buttons in self._actions(case)[1].items()}


class MaterialStateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=60, help_text="材料编码")
    state = serializers.ChoiceField(choices=[s for s in MaterialState.choices if s[0] != "produced"])
    received_originals = serializers.IntegerField(min_value=0, max_value=99, required=False)
    received_copies = serializers.IntegerField(min_value=0, max_value=99, required=False)
    problem = serializers.CharField(max_length=300, required=False, allow_blank=True)


def materials_dict(rows) -> dict:
    return {row["code"]: {k: v for k, v in row.items() if k != "code"} for row in rows or []}


class CaseCreateSerializer(serializers.Serializer):
    """收件登记：在调用者所在窗口收件（item 与 bundle 二选一）。"""

    item = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, help_text="事项 id")
    bundle = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, help_text="一件事 id")
    applicant_kind = serializers.ChoiceField(choices=ApplicantKind.choices)
    applicant_name = serializers.CharField(max_length=200)
    id_type = serializers.ChoiceField(choices=IdType.choices, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=40, help_text="身份证号码（GB 11643 校验）或统一社会信用代码（GB 32100 校验）")
    phone = serializers.CharField(max_length=20)
    legal_representative = serializers.CharField(max_length=40, required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    agent_name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    agent_id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    agent_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    materials = MaterialStateSerializer(many=True, required=False)
    form_data = serializers.DictField(child=serializers.CharField(max_length=500, allow_blank=True), required=False)


class CaseTransitionSerializer(serializers.Serializer):
    """办件操作：action 取值见 transitions 表；task 为子办件操作（准予、不予许可、特别程序）所针对的任务。"""

    action = serializers.ChoiceField(choices=[(t.action, t.label) for t in transitions.TRANSITIONS.values()
                                              if transitions.SYSTEM not in t.roles
                                              and transitions.APPLICANT not in t.roles])
    task = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    result_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=SpecialStepKind.choices, required=False)
    workdays = serializers.IntegerField(min_value=1, max_value=99, required=False,
                                        help_text="request_extension：延长的工作日（行政许可法第四十二条，上限见设置）")
    materials = MaterialStateSerializer(many=True, required=False)
    pending = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=100)
    promise_signed = serializers.BooleanField(required=False, default=False)
    pending_due = serializers.DateField(required=False)
    codes = serializers.ListField(child=serializers.CharField(max_length=60), required=False, max_length=100)
    method = serializers.ChoiceField(choices=HandoverMethod.choices, required=False)
    licence_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    electronic_licence_number = serializers.CharField(max_length=80, required=False, allow_blank=True)
    tracking_number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    recipient = serializers.CharField(max_length=40, required=False, allow_blank=True)
    to_window = serializers.CharField(max_length=40, required=False,
                                      help_text="forward：转送到的综合受理窗口编号（异地代收、多地联办）")


class ChannelSiteSerializer(serializers.Serializer):
    unit = serializers.CharField(help_text="单位代码")
    unit_name = serializers.CharField()
    kind = serializers.CharField(help_text="township 乡镇、village 村便民服务点、outlet 银行邮政网点")
    received = serializers.IntegerField(help_text="收件（最初收件在此）")
    forwarded_out = serializers.IntegerField(help_text="其中转出")
    forwarded_in = serializers.IntegerField(help_text="转入")
    closed = serializers.IntegerField(help_text="办结")


class ChannelTotalsSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    forwarded_out = serializers.IntegerField()
    forwarded_in = serializers.IntegerField()
    closed = serializers.IntegerField()


class ChannelMonthSerializer(serializers.Serializer):
    """渠道与网点（selectors.channel_month）。"""

    first = serializers.DateField()
    last = serializers.DateField()
    channels = serializers.DictField(child=serializers.IntegerField(),
                                     help_text="各收件渠道的件数：window 窗口收件、online 全程网办、mobile 掌上办、outlet 网点代收")
    totals = ChannelTotalsSerializer()
    sites = ChannelSiteSerializer(many=True)
