from rest_framework import viewsets

from tongban.catalog.api import serializers as s
from tongban.catalog.filtersets import (
    BundleFilterSet,
    DelegationFilterSet,
    IntermediaryFilterSet,
    ItemMaterialFilterSet,
    ServiceItemFilterSet,
)
from tongban.catalog.models import Bundle, Delegation, Intermediary, ItemMaterial, ServiceItem
from tongban.core.api import ScopedViewSetMixin


class ServiceItemViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """政务服务事项（实施清单）及其材料、表单字段、办理环节、特别程序。按实施主体限定数据范围。"""

    queryset = ServiceItem.objects.select_related("implementing_unit").prefetch_related(
        "materials__identity", "form_fields__element", "steps", "special_steps"
    )
    serializer_class = s.ServiceItemSerializer
    filterset_class = ServiceItemFilterSet


class ItemMaterialViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """申请材料（含材料标识，同一材料跨事项识别为一份）。"""

    queryset = ItemMaterial.objects.select_related("identity")
    serializer_class = s.ItemMaterialSerializer
    filterset_class = ItemMaterialFilterSet


class BundleViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """一件事：事项、阶段图和与逐项办理相比的数字（材料、表单、时限关键路径、跑动）。"""

    queryset = Bundle.objects.all()
    serializer_class = s.BundleSerializer
    filterset_class = BundleFilterSet
    lookup_field = "slug"


class DelegationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """县镇同权：事项下放到乡镇（委托下发 / 窗口前移）。"""

    queryset = Delegation.objects.select_related("item", "township")
    serializer_class = s.DelegationSerializer
    filterset_class = DelegationFilterSet


class IntermediaryViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """中介机构：统一社会信用代码、资质、状态（在册 / 限期整改 / 清退）。"""

    queryset = Intermediary.objects.prefetch_related("qualifications")
    serializer_class = s.IntermediarySerializer
    filterset_class = IntermediaryFilterSet
