from rest_framework import serializers

from tongban.honours.models import Honour


class HonourSerializer(serializers.ModelSerializer):
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    period = serializers.SerializerMethodField()
    period_label = serializers.CharField(read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Honour
        fields = ["id", "kind", "kind_name", "period", "period_label", "period_start", "period_end", "window", "staff",
                  "unit", "unit_name", "subject_name", "status", "status_label", "reason", "figures",
                  "decision_number", "decision_note", "decided_at"]

    def get_period(self, obj) -> str:
        from tongban.honours.periods import HonourPeriod

        return HonourPeriod(obj.period_start, obj.period_end).key
