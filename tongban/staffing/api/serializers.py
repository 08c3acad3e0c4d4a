from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tongban.staffing.models import Inspection, Punch


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$", "example": "08:55:00",
                      "description": "打卡时间（北京时间，时:分:秒）"})
class WallClockTimeField(serializers.TimeField):
    """The hall's wall-clock time as HH:MM:SS. OpenAPI's "time" format (RFC 3339) demands an offset that an
    attendance machine's punch does not have."""


class PunchSerializer(serializers.ModelSerializer):
    time = WallClockTimeField(read_only=True, format="%H:%M:%S")
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
