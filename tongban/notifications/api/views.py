import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tongban.core.api import ScopedViewSetMixin
from tongban.core.filtersets import FilterSet
from tongban.notifications import services
from tongban.notifications.api.serializers import NotificationSerializer
from tongban.notifications.models import Notification


class NotificationFilterSet(FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="未读")

    class Meta:
        model = Notification
        fields = ["unread", "code"]


class NotificationViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """我的消息（只含本人的消息）。`?unread=true` 只列未读；`POST …/{id}/read/` 标为已读。"""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet

    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """标为已读。"""
        notification = services.mark_read(self.get_object(), by=request.user)
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=inline_serializer("MarkedCount", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """全部标为已读；返回标记的条数。"""
        return Response({"marked": services.mark_all_read(request.user)})
