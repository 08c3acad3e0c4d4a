from __future__ import annotations

from rest_framework import serializers

from tongban.assessment.models import ScoreItem, ScoreSheet


class ScoreItemSerializer(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.name", read_only=True)

    class Meta:
        model = ScoreItem
        fields = ["id", "indicator", "points", "counted", "cancelled", "occurred_on", "label", "url", "record_key",
                  "record_id", "note"]


class ScoreSheetSerializer(serializers.ModelSerializer):
    month = serializers.DateField(source="assessment.month", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    items = ScoreItemSerializer(many=True, read_only=True)

    class Meta:
        model = ScoreSheet
        fields = ["id", "month", "unit", "unit_name", "group", "status", "base_score", "deductions", "bonus", "total",
                  "grade", "chief_name", "chief_deduction", "items"]
