from django.urls import reverse
from rest_framework import serializers

from tongban.core.api import VersionedSerializerMixin, VisibleRelatedField
from tongban.org.models import Staff, Unit
from tongban.rectification.models import (
    Accountability,
    Checkpoint,
    Evidence,
    Finding,
    Inspection,
    Measure,
    Revisit,
    Signal,
)


class InspectionSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    inspected_unit = VisibleRelatedField(queryset=Unit.objects.all())
    inspected_unit_name = serializers.CharField(source="inspected_unit.name", read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "title", "kind", "kind_display", "body", "group", "inspected_unit", "inspected_unit_name",
                  "feedback_date", "report_due_date", "status", "status_display", "notes", "version"]
        read_only_fields = ["version"]
        extra_kwargs = {"report_due_date": {"required": False}}


class FindingSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    aspect_label = serializers.CharField(source="aspect.label", read_only=True, default="")
    aspect_title = serializers.CharField(write_only=True, required=False, allow_blank=True,
                                         help_text="问题方面；同名方面自动归并")
    inspection = VisibleRelatedField(queryset=Inspection.objects.all())

    class Meta:
        model = Finding
        fields = ["id", "inspection", "aspect", "aspect_label", "aspect_title", "number", "kind", "kind_display",
                  "description", "version"]
        read_only_fields = ["aspect", "number", "version"]


class CheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = Checkpoint
        fields = ["id", "due_date", "reported_at", "report"]


class MeasureSerializer(VersionedSerializerMixin, serializers.ModelSerializer):
    source_kind_display = serializers.CharField(source="get_source_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    deadline_kind_display = serializers.CharField(source="get_deadline_kind_display", read_only=True)
    finding = VisibleRelatedField(queryset=Finding.objects.all(), required=False, allow_null=True)
    # A measure opened from a 差评, a complaint or a meeting has no finding, hence no inspection.
    inspection = serializers.IntegerField(source="finding.inspection_id", read_only=True, default=None, allow_null=True)
    lead_unit = VisibleRelatedField(queryset=Unit.objects.all())
    lead_unit_name = serializers.CharField(source="lead_unit.name", read_only=True)
    coordinating_units = VisibleRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    supporting_units = VisibleRelatedField(queryset=Unit.objects.all(), many=True, required=False)
    responsible_leader = VisibleRelatedField(queryset=Staff.objects.all(), required=False, allow_null=True)
    responsible_person = VisibleRelatedField(queryset=Staff.objects.all(), required=False, allow_null=True)
    checkpoint_dates = serializers.ListField(child=serializers.DateField(), write_only=True, required=False)
    checkpoints = CheckpointSerializer(many=True, read_only=True)
    due_date = serializers.DateField(read_only=True, default=None, allow_null=True,
                                     help_text="应完成日期：完成时限（长期坚持：最早未报告的时间节点）顺延至工作日")
    is_overdue = serializers.BooleanField(read_only=True, default=False,
                                          help_text="未完成且已过应完成日期（due_date）")
    is_overdue_ongoing = serializers.BooleanField(read_only=True, default=False,
                                                  help_text="长期持续整改且已过未报告的时间节点（单独统计，不计入逾期）")
    evidence_count = serializers.SerializerMethodField()
    signed_off_by_import = serializers.BooleanField(read_only=True, help_text="已整改到位是由台账导入直接记的（没有经过申请销号、审核）")
    verified_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = ["id", "source_kind", "source_kind_display", "finding", "inspection", "number", "text", "lead_unit",
                  "lead_unit_name", "coordinating_units", "supporting_units", "responsible_leader",
                  "responsible_leader_name", "responsible_person", "responsible_person_name", "deadline_kind", "deadline_kind_display",
                  "deadline", "checkpoint_dates", "checkpoints", "status", "status_display", "due_date", "is_overdue",
                  "is_overdue_ongoing",
                  "progress_note", "result", "last_return_reason", "returned_count", "reopened_count",
                  "submitted_at", "verified_at", "verified_by_name", "signed_off_by_import", "evidence_count",
                  "version"]
        read_only_fields = ["number", "status", "progress_note", "result", "last_return_reason", "returned_count",
                            "reopened_count", "submitted_at", "verified_at", "version"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["coordinating_units"] = [unit.pk for unit in instance.coordinating_units]
        data["supporting_units"] = [unit.pk for unit in instance.supporting_units]
        return data

    def get_verified_by_name(self, measure) -> str:
        """Who signed the measure off (the importer, for a measure signed off by import)."""
        from tongban.org.people import person_name

        return person_name(measure.verified_by, default="") if measure.verified_by_id else ""

    def get_evidence_count(self, measure) -> int:
        """Set on each row of a list page by the viewset (one query per page), so a list costs no
        query per row."""
        annotated = getattr(measure, "evidence_count", None)
        if annotated is not None:
            return annotated
        return Evidence.objects.filter(update__measure=measure).count()


class TransitionSerializer(serializers.Serializer):
    """Body of the submit / verify / return actions."""

    version = serializers.IntegerField(required=False, help_text="您看到的版本；已被他人修改时拒绝")
    result = serializers.CharField(required=False, allow_blank=True, help_text="申请销号：整改成效")
    comment = serializers.CharField(required=False, allow_blank=True, help_text="销号：审核意见")
    reason = serializers.CharField(required=False, allow_blank=True, help_text="退回：理由（必填）")


class ProgressSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="整改进展")
    files = serializers.ListField(child=serializers.FileField(), required=False, help_text="佐证材料")
    checkpoint = serializers.IntegerField(required=False, help_text="报告的时间节点（长期坚持）")


class RevisitSerializer(serializers.ModelSerializer):
    """回头看: planned date, and once done its date (not after today; may be before the planned date),
    whether the public was satisfied, notes and the new deadline when not."""

    class Meta:
        model = Revisit
        fields = ["id", "measure", "scheduled_date", "done_date", "satisfied", "notes", "new_deadline"]
        read_only_fields = ["measure", "done_date", "satisfied", "notes", "new_deadline"]


class RevisitRecordSerializer(serializers.Serializer):
    """Body of `revisits/<id>/record/`: the outcome of a 回头看."""

    done_date = serializers.DateField(help_text="完成日期：可早于计划日期，不能晚于今天")
    satisfied = serializers.BooleanField(help_text="群众是否满意")
    notes = serializers.CharField(required=False, allow_blank=True, default="", help_text="情况说明")
    new_deadline = serializers.DateField(required=False, allow_null=True, default=None,
                                         help_text="重新整改时限（不满意时必填，须晚于今天）")


class EvidenceSerializer(serializers.ModelSerializer):
    measure = serializers.IntegerField(source="update.measure_id", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "measure", "update", "original_name", "extension", "size", "sha256", "created_at",
                  "download_url"]

    def get_download_url(self, evidence) -> str:
        return reverse("rectification:evidence_download", args=[evidence.pk])


class AccountabilitySerializer(serializers.ModelSerializer):
    action_kind_display = serializers.CharField(source="get_action_kind_display", read_only=True)
    reason_kind_display = serializers.CharField(source="get_reason_kind_display", read_only=True)
    target_staff = VisibleRelatedField(queryset=Staff.objects.all(), required=False, allow_null=True)
    target_unit = VisibleRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    measures = VisibleRelatedField(queryset=Measure.objects.all(), many=True)
    target_label = serializers.CharField(read_only=True)

    class Meta:
        model = Accountability
        fields = ["id", "action_kind", "action_kind_display", "reason_kind", "reason_kind_display", "target_staff",
                  "target_unit", "target_label", "unit", "measures", "decided_on", "decided_by", "notes", "version"]
        read_only_fields = ["unit", "version"]


class SignalSerializer(serializers.ModelSerializer):
    """A signal (整改提示): a prompt to look, with the sentence that explains it and the decision on it."""

    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    other_measure = serializers.SerializerMethodField(help_text="相关措施（不在调用者数据范围内时为 null）")
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Signal
        fields = ["id", "kind", "kind_display", "measure", "other_measure", "sentence", "details", "active",
                  "status", "status_display", "decided_by_name", "decided_at", "reason", "revisit", "accountability",
                  "created_at", "last_seen_at"]

    def get_other_measure(self, signal) -> int | None:
        visible = self.context.get("visible_others", set())
        return signal.other_measure_id if signal.other_measure_id in visible else None

    def get_decided_by_name(self, signal) -> str:
        from tongban.org.people import person_name

        return person_name(signal.decided_by) if signal.decided_by_id else ""


class SignalDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["fine", "revisit", "accountability"],
                                       help_text="fine 已核查，无问题；revisit 安排回头看；accountability 记录问责")
    reason = serializers.CharField(help_text="核查情况或处理理由")
    scheduled_date = serializers.DateField(required=False, help_text="回头看日期（decision=revisit）")
    action_kind = serializers.CharField(required=False, help_text="问责方式（decision=accountability）")
    reason_kind = serializers.CharField(required=False, default="superficial")
    target_staff = VisibleRelatedField(queryset=Staff.objects.all(), required=False, allow_null=True)
    target_unit = VisibleRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True)
    decided_on = serializers.DateField(required=False)
    decided_by = serializers.CharField(required=False, default="中心党组")
