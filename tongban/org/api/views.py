from rest_framework import viewsets

from tongban.core.api import ScopedViewSetMixin, visible_prefetch
from tongban.org.api.serializers import StaffSerializer, UnitSerializer, WindowSerializer
from tongban.org.filtersets import StaffFilterSet, UnitFilterSet, WindowFilterSet
from tongban.org.models import Staff, Unit, Window


class UnitViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """单位树：中心、股室、进驻部门、乡镇中心、村级代办点、银行/邮政网点。"""

    queryset = Unit.objects.select_related("kind")
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet


class WindowViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """窗口：帮办咨询、综合受理、统一出件、专业窗口。"""

    queryset = Window.objects.select_related("unit")
    serializer_class = WindowSerializer
    filterset_class = WindowFilterSet


class StaffViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """工作人员及其单位、窗口、职务、角色、分管单位。"""

    queryset = Staff.objects.select_related("unit", "user")
    serializer_class = StaffSerializer
    filterset_class = StaffFilterSet

    def get_queryset(self):
        return super().get_queryset().prefetch_related(visible_prefetch("units_in_charge", Unit, self.request.user))
