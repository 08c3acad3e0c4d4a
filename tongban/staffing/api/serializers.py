from rest_framework import serializers

from tongban.staffing.models import Punch


class PunchSerializer(serializers.ModelSerializer):
    staff_no = serializers.CharField(source="staff.staff_no", read_only=True)
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    unit = serializers.CharField(source="staff.unit.name", read_only=True)

    class Meta:
        model = Punch
        fields = ["id", "staff", "staff_no", "staff_name", "unit", "date", "time"]
