"""Public, read-only API of published data (AllowAny): for the provincial platform, 12345 and apps."""
from django.db.models import Prefetch
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from tongban.catalog.api.serializers import ITEM_FIELDS, BundleSerializer, ServiceItemSerializer
from tongban.catalog.choices import IntermediaryStatus
from tongban.catalog.models import Delegation, Intermediary, IntermediaryService, Qualification
from tongban.org.models import Unit
from tongban.portal.views import (
    item_codes_by_point,
    live_delegations,
    published_bundles,
    published_items,
    service_points,
)


class PublicItemSerializer(ServiceItemSerializer):
    class Meta(ServiceItemSerializer.Meta):
        fields = ITEM_FIELDS + ["materials", "form_fields", "steps", "special_steps"]


class PublicBundleSerializer(BundleSerializer):
    class Meta(BundleSerializer.Meta):
        fields = ["slug", "name", "audience", "theme", "description", "items", "figures"]


class ServicePointSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="kind.code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "kind_name", "address", "phone", "service_hours", "items"]

    def get_items(self, unit) -> list[str]:
        codes = self.context.get("item_codes")
        if codes is None or unit.pk not in codes:  # one map for the whole page: no query per point
            page = self.parent.instance if self.parent is not None else [unit]
            codes = self.context["item_codes"] = item_codes_by_point(list(page))
        return codes[unit.pk]


class PublicDelegationSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)
    implementation_code = serializers.CharField(source="item.implementation_code", read_only=True)
    township = serializers.CharField(source="township.name", read_only=True)
    mode_display = serializers.CharField(source="get_mode_display", read_only=True)

    class Meta:
        model = Delegation
        fields = ["item_name", "implementation_code", "township", "mode", "mode_display", "basis", "delegated_on"]


class PublicQualificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Qualification
        fields = ["name", "number", "expires_on"]


class PublicAgencySerializer(serializers.ModelSerializer):
    """Only what the public needs to choose an agency: no status reason, version or supervising unit."""

    # a plain string, not a second ChoiceField over IntermediaryStatus: two components sharing one
    # "status" enum make drf-spectacular warn (W001), which `check --deploy` treats as a failure
    status = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    qualifications = PublicQualificationSerializer(many=True, read_only=True)

    class Meta:
        model = Intermediary
        fields = ["name", "credit_code", "status", "status_display", "qualifications"]


class PublicIntermediaryServiceSerializer(serializers.ModelSerializer):
    item_name = serializers.CharField(source="item.name", read_only=True)
    implementation_code = serializers.CharField(source="item.implementation_code", read_only=True)
    agencies = PublicAgencySerializer(many=True, read_only=True)

    class Meta:
        model = IntermediaryService
        fields = ["id", "name", "basis", "is_statutory", "item_name", "implementation_code", "agencies"]


class PublicViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    authentication_classes: list = []  # public data: no session, no CSRF, same answer for everyone


class PublicItemViewSet(PublicViewSet):
    """公开的政务服务事项办事指南（只读，无需登录）。"""

    serializer_class = PublicItemSerializer
    lookup_field = "implementation_code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return published_items().select_related("implementing_unit").prefetch_related(
            "materials__identity", "form_fields__element", "steps", "special_steps"
        )


class PublicBundleViewSet(PublicViewSet):
    """公开的一件事及其合并数字（只读，无需登录）。"""

    serializer_class = PublicBundleSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return published_bundles()


class ServicePointViewSet(PublicViewSet):
    """服务网点（中心、乡镇、村、银行/邮政网点）及其可办事项的实施编码（只读，无需登录）。"""

    serializer_class = ServicePointSerializer
    lookup_field = "code"

    def get_queryset(self):
        return service_points().order_by("kind__sort_order", "path")


class PublicDelegationViewSet(PublicViewSet):
    """县镇同权：已公开事项在各乡镇的有效下放（只读，无需登录）。"""

    serializer_class = PublicDelegationSerializer

    def get_queryset(self):
        return (
            live_delegations().filter(item__is_published=True).select_related("item", "township")
            .order_by("township__path", "item__implementation_code")
        )


class PublicIntermediaryViewSet(PublicViewSet):
    """公开的中介服务事项及其在册（未清退）的中介机构和资质（只读，无需登录）。"""

    serializer_class = PublicIntermediaryServiceSerializer

    def get_queryset(self):
        agencies = Intermediary.objects.exclude(status=IntermediaryStatus.EXPELLED).prefetch_related(
            Prefetch("qualifications", queryset=Qualification.objects.order_by("expires_on"))
        )
        return (
            IntermediaryService.objects.filter(is_published=True, item__is_published=True)
            .select_related("item").prefetch_related(Prefetch("agencies", queryset=agencies))
            .order_by("item__implementation_code", "name")
        )
