from rest_framework import serializers

from tongban.core.api import VisibleRelatedField

from tongban.org.models import Staff, Unit, Window


class UnitSerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "short_name", "kind", "kind_name", "parent", "path", "depth",
                  "address", "phone", "service_hours", "is_active", "version"]


class WindowSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Window
        fields = ["id", "code", "name", "kind", "kind_display", "unit", "unit_name", "location", "is_active",
                  "version"]


class StaffSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True, default=None, allow_null=True)
    units_in_charge = VisibleRelatedField(many=True, read_only=True)

    class Meta:
        model = Staff
        fields = ["id", "staff_no", "name", "username", "unit", "unit_name", "window", "position", "role",
                  "role_display", "is_leader", "units_in_charge", "phone", "is_active", "version"]
