from rest_framework import serializers

from tongban.core.api import VisibleRelatedField
from tongban.core.masking import mask_phone
from tongban.org import personal

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


class StaffListSerializer(serializers.ListSerializer):
    """Decides once for the whole page whose phone numbers the caller manages (org.personal)."""

    def to_representation(self, data):
        people = list(data.all() if hasattr(data, "all") else data)
        user = self.context["request"].user
        managed = personal.managed_ids(user, people)
        self.child.context["phones_managed"] = managed
        rows = super().to_representation(people)
        personal.record_phones_seen(user, [person for person in people if person.pk in managed])
        return rows


class StaffSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True, default=None, allow_null=True)
    units_in_charge = VisibleRelatedField(many=True, read_only=True)

    class Meta:
        model = Staff
        fields = ["id", "staff_no", "name", "username", "unit", "unit_name", "window", "position", "role",
                  "role_display", "is_leader", "units_in_charge", "phone", "is_active", "version"]
        list_serializer_class = StaffListSerializer
        extra_kwargs = {"phone": {"help_text": "联系电话；不管理此人的读者看到的是遮盖后的号码（如 138****1234）"}}

    def to_representation(self, staff):
        data = super().to_representation(staff)
        managed = self.context.get("phones_managed")
        user = self.context["request"].user
        if managed is None:  # one record (the detail): decide and record here
            managed = personal.managed_ids(user, [staff])
            if staff.pk in managed:
                personal.record_phones_seen(user, [staff])
        if staff.pk not in managed:
            data["phone"] = mask_phone(data["phone"])
        return data
