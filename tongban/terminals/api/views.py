"""Terminal API: the heartbeat (a terminal's own token) and the staff's read-only list (scope as the page)."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from tongban.core.api import ScopedViewSetMixin
from tongban.terminals import selectors, services
from tongban.terminals.authentication import TerminalTokenAuthentication, TerminalUser
from tongban.terminals.models import Terminal


class HeartbeatSerializer(serializers.Serializer):
    terminal = serializers.SlugField(label="终端编号", help_text="本终端的编号（令牌必须属于这台终端）")
    version = serializers.CharField(label="终端软件版本", required=False, allow_blank=True, max_length=40)


class HeartbeatResponseSerializer(serializers.Serializer):
    terminal = serializers.CharField()
    received_at = serializers.DateTimeField()
    fault_closed = serializers.BooleanField(help_text="这次心跳结束了一次故障")


class HeartbeatView(APIView):
    """终端心跳：乡镇电子监察终端定时调用，`Authorization: Terminal <令牌>`（令牌属于该终端，只能用于本接口）。
    超过设定小时数没有心跳即记为故障，直到再次心跳。"""

    authentication_classes = [TerminalTokenAuthentication]
    permission_classes: list = []

    @extend_schema(request=HeartbeatSerializer, responses={200: HeartbeatResponseSerializer}, auth=[])
    def post(self, request):
        if not isinstance(request.user, TerminalUser):
            raise NotAuthenticated("请用终端令牌调用：Authorization: Terminal <令牌>。")
        body = HeartbeatSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        terminal = request.auth
        if body.validated_data["terminal"] != terminal.code:
            raise PermissionDenied("该令牌不属于这台终端。")
        fault = services.record_heartbeat(terminal, address=request.META.get("REMOTE_ADDR"),
                                          version=body.validated_data.get("version", ""))
        return Response({"terminal": terminal.code, "received_at": terminal.last_seen_at,
                         "fault_closed": fault is not None}, status=status.HTTP_200_OK)


class TerminalSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state = serializers.SerializerMethodField(help_text="ok 正常 / fault 故障 / never 从未心跳 / inactive 停用")
    fault_since = serializers.DateTimeField(source="open_fault_started_at", read_only=True, allow_null=True,
                                            help_text="仍在故障时：故障开始时间")

    class Meta:
        model = Terminal
        fields = ["code", "name", "unit", "unit_name", "is_active", "last_seen_at", "software_version", "state",
                  "fault_since"]

    def get_state(self, obj) -> str:
        return selectors.state_of(obj)


class TerminalViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """乡镇电子监察终端：最近心跳、是否故障（乡镇管理员只看到本乡镇的终端）。"""

    queryset = Terminal.objects.all()
    serializer_class = TerminalSerializer
    lookup_field = "code"

    def get_queryset(self):
        return selectors.with_open_fault(super().get_queryset()).select_related("unit")
