"""Supervision API shapes: cards and 督办单 (the case by its number and title, never the applicant)."""
from __future__ import annotations

from rest_framework import serializers

from tongban.supervision.models import Card, Urge


class CardSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    case_title = serializers.CharField(source="case.title", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    color_display = serializers.CharField(source="get_color_display", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    reason_display = serializers.CharField(source="get_reason_display", read_only=True)

    class Meta:
        model = Card
        fields = ["id", "case_number", "case_title", "unit", "unit_name", "kind", "kind_display", "color",
                  "color_display", "reason", "reason_display", "due_date", "issued_on", "month"]


class UrgeSerializer(serializers.ModelSerializer):
    card = CardSerializer(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    level_name = serializers.CharField(read_only=True)
    replied_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Urge
        fields = ["id", "card", "unit", "unit_name", "issued_on", "reply_due", "level", "level_name", "status",
                  "status_display", "reply", "replied_on", "replied_by_name"]

    def get_replied_by_name(self, urge: Urge) -> str:
        if urge.replied_by_id is None:
            return ""
        staff = getattr(urge.replied_by, "staff", None)
        return staff.name if staff else urge.replied_by.username


class UrgeReplySerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=2000, allow_blank=True)
