"""Public, read-only API of published data (AllowAny): for the provincial platform, 12345 and apps."""
from rest_framework import serializers, viewsets
from rest_framework.permissions import AllowAny

from tongban.catalog.api.serializers import ITEM_FIELDS, BundleSerializer, ServiceItemSerializer
from tongban.org.models import Unit
from tongban.portal.views import item_codes_by_point, published_bundles, published_items, service_points


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
