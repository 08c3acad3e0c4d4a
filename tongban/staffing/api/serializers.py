from rest_framework import serializers

from tongban.staffing.models import Inspection, Punch


class PunchSerializer(serializers.ModelSerializer):
    staff_no = serializers.CharField(source="staff.staff_no", read_only=True)
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    unit = serializers.CharField(source="staff.unit.name", read_only=True)

    class Meta:
        model = Punch
        fields = ["id", "staff", "staff_no", "staff_name", "unit", "date", "time"]


class StaffInspectionSerializer(serializers.ModelSerializer):
    staff_name = serializers.CharField(source="staff.name", read_only=True)
    unit = serializers.CharField(source="staff.unit.name", read_only=True)
    aspect_label = serializers.CharField(source="get_aspect_display", read_only=True)
    has_finding = serializers.BooleanField(read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "staff", "staff_name", "unit", "inspected_on", "aspect", "aspect_label", "finding", "has_finding"]
