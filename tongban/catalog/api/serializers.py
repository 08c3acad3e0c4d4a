from django.core.exceptions import ValidationError
from rest_framework import serializers

from tongban.catalog.bundles import bundle_guides
from tongban.catalog.models import (
    Bundle,
    Delegation,
    Intermediary,
    IntermediaryService,
    ItemFormField,
    ItemMaterial,
    Qualification,
    ServiceItem,
    SpecialStep,
    Step,
)
from tongban.core.api import VisibleRelatedField


class ItemMaterialSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="identity.code", read_only=True)
    name = serializers.CharField(source="identity.name", read_only=True)

    class Meta:
        model = ItemMaterial
        fields = ["id", "item", "code", "name", "is_required", "originals", "copies", "may_be_pending",
                  "is_electronic_licence", "note", "sort_order"]


class ItemFormFieldSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="element.code", read_only=True)
    label = serializers.CharField(source="element.label", read_only=True)
    data_type = serializers.CharField(source="element.data_type", read_only=True)

    class Meta:
        model = ItemFormField
        fields = ["code", "label", "data_type", "is_required"]


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = ["order", "name", "actor", "days", "criteria"]


class SpecialStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpecialStep
        fields = ["kind", "name", "limit_days", "note"]


ITEM_FIELDS = [
    "id", "name", "basic_code", "implementation_code", "item_type", "item_type_display", "level",
    "implementing_unit", "implementing_unit_name", "legal_basis", "conditions", "statutory_days",
    "promised_days", "fees", "fee_basis", "result_name", "result_kind", "place", "service_hours",
    "consult_phone", "complaint_phone", "visits_on_site", "case_kind", "channels", "is_intermediary_required",
]


class ServiceItemSerializer(serializers.ModelSerializer):
    item_type_display = serializers.CharField(source="get_item_type_display", read_only=True)
    implementing_unit_name = serializers.CharField(source="implementing_unit.name", read_only=True)
    channels = serializers.ListField(child=serializers.CharField(), read_only=True)
    materials = ItemMaterialSerializer(many=True, read_only=True)
    form_fields = ItemFormFieldSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True)
    special_steps = SpecialStepSerializer(many=True, read_only=True)

    class Meta:
        model = ServiceItem
        fields = ITEM_FIELDS + [
            "competent_department", "is_concentrated", "is_authorised_to_window", "is_handled_at_window",
            "is_published", "version", "materials", "form_fields", "steps", "special_steps",
        ]


class BundleSerializer(serializers.ModelSerializer):
    figures = serializers.SerializerMethodField()
    items = serializers.SerializerMethodField()

    class Meta:
        model = Bundle
        fields = ["id", "slug", "name", "audience", "theme", "description", "is_published", "items", "figures"]

    def _guide(self, bundle):
        """The guides of the whole page at once (a fixed number of queries, `bundle_guides`)."""
        cache = self.context.setdefault("_guides", {})
        if bundle.pk not in cache:
            page = self.parent.instance if self.parent is not None else [bundle]
            cache.update(bundle_guides(page))
        guide = cache[bundle.pk]
        if isinstance(guide, ValidationError):
            raise guide
        return guide

    def get_figures(self, bundle) -> dict:
        return self._guide(bundle).figures.as_dict()

    def get_items(self, bundle) -> list[dict]:
        return [
            {"item": n.item_id, "name": n.name, "promised_days": n.promised_days, "stage": n.stage,
             "after": n.predecessor_ids, "node": n.id, "critical": n.on_critical_path}
            for n in self._guide(bundle).nodes
        ]


class DelegationSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True)

    class Meta:
        model = Delegation
        fields = ["id", "item", "item_name", "township", "township_name", "mode", "basis", "delegated_on",
                  "is_revoked", "revoked_on"]


class QualificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Qualification
        fields = ["name", "number", "issuer", "expires_on"]


class IntermediarySerializer(serializers.ModelSerializer):
    qualifications = QualificationSerializer(many=True, read_only=True)

    class Meta:
        model = Intermediary
        fields = ["id", "name", "credit_code", "legal_representative", "phone", "address", "service_scope",
                  "status", "status_reason", "rectify_deadline", "qualifications", "version"]


class IntermediaryServiceSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)
    agencies = VisibleRelatedField(many=True, read_only=True)

    class Meta:
        model = IntermediaryService
        fields = ["id", "item", "item_name", "name", "basis", "is_statutory", "agencies"]
