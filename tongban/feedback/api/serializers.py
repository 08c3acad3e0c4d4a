"""Feedback API shapes: ratings and complaints without the applicant's or complainant's personal data."""
from __future__ import annotations

from rest_framework import serializers

from tongban.feedback.choices import HotlineUrgency
from tongban.feedback.models import Complaint, Rating


class RatingSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    handling_status_display = serializers.CharField(source="get_handling_status_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Rating
        fields = ["id", "case_number", "kind", "visit_on", "channel", "channel_display", "level", "level_display",
                  "tags", "rated_at", "is_default", "unit", "unit_name", "handling_status",
                  "handling_status_display", "classification", "assigned_unit", "due_date", "answer",
                  "answered_at", "closed_at", "appeal_status"]


class ComplaintSerializer(serializers.ModelSerializer):
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    handling_status_display = serializers.CharField(source="get_handling_status_display", read_only=True)

    class Meta:
        model = Complaint
        fields = ["id", "number", "channel", "channel_display", "order_number", "urgency", "category", "title",
                  "content", "anonymous", "received_at", "handling_status", "handling_status_display",
                  "classification", "assigned_unit", "due_date", "answer", "answered_at", "returned_at", "upheld",
                  "closed_at"]


class HotlineOrderSerializer(serializers.Serializer):
    """One 12345 work order as the hotline platform sends it."""

    order_number = serializers.CharField(max_length=40, label="工单号")
    title = serializers.CharField(max_length=200, label="标题")
    content = serializers.CharField(label="诉求内容")
    name = serializers.CharField(max_length=60, required=False, allow_blank=True, label="来电人")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, label="联系电话")
    urgency = serializers.ChoiceField(choices=HotlineUrgency.choices, required=False, default=HotlineUrgency.ORDINARY,
                                      label="紧急程度")
    received_at = serializers.DateTimeField(required=False, allow_null=True, label="来电时间")


class MonthlyFiguresSerializer(serializers.Serializer):
    month = serializers.DateField()
    cases_closed = serializers.IntegerField()
    total = serializers.IntegerField()
    bad = serializers.IntegerField()
    average_score = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.IntegerField(allow_null=True)
    by_channel = serializers.ListField(child=serializers.DictField())
    by_level = serializers.ListField(child=serializers.DictField())
    top_tags = serializers.ListField(child=serializers.ListField())
    complaints = serializers.IntegerField()
    hotline = serializers.IntegerField()
