"""领导坐班 and meetings API, read-only: the rota (with the month's statistics, the page's selector), the problem
channel and the meetings with their decisions. Scope as the pages; writes stay on the pages for now."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from tongban.core.api import KeysetPagination, ScopedViewSetMixin
from tongban.core.months import MonthError, parse_month
from tongban.meetings import selectors
from tongban.meetings.models import Decision, DutyRota, Meeting, Referral


class DutyRotaSerializer(serializers.ModelSerializer):
    leader_name = serializers.CharField(source="leader.name", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = DutyRota
        fields = ["id", "duty_date", "leader", "leader_name", "unit", "unit_name", "attendance", "note"]


class LeaderRowSerializer(serializers.Serializer):
    leader_id = serializers.IntegerField()
    leader__name = serializers.CharField()
    unit__name = serializers.CharField()
    scheduled = serializers.IntegerField()
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    excused = serializers.IntegerField()
    decisions = serializers.IntegerField()


class UnitRowSerializer(serializers.Serializer):
    unit_id = serializers.IntegerField()
    unit__name = serializers.CharField()
    leaders = serializers.IntegerField()
    scheduled = serializers.IntegerField()
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    excused = serializers.IntegerField()
    decisions = serializers.IntegerField()


class DutyStatisticsSerializer(serializers.Serializer):
    month = serializers.DateField()
    by_leader = LeaderRowSerializer(many=True)
    by_unit = UnitRowSerializer(many=True)


class DutyRotaViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """领导坐班安排与到岗情况（按单位范围）。"""

    queryset = DutyRota.objects.select_related("leader", "unit")
    serializer_class = DutyRotaSerializer
    pagination_class = KeysetPagination

    @extend_schema(parameters=[OpenApiParameter("month", str, description="月份，如 2026-11")],
                   responses={200: DutyStatisticsSerializer})
    @action(detail=False)
    def statistics(self, request):
        """领导坐班月统计：每位领导、每个单位的安排、到岗、缺岗、请假和坐班决定数（与坐班页面同一口径）。"""
        try:
            first = parse_month(request.query_params.get("month", ""))
        except MonthError as exc:
            raise ValidationError({"month": str(exc)}) from None
        stats = selectors.monthly_statistics(DutyRota.objects.visible_to(request.user), first)
        return Response(DutyStatisticsSerializer(stats).data)


class ReferralSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Referral
        fields = ["id", "unit", "unit_name", "leader", "title", "description", "reply_due", "status", "answer",
                  "answered_on", "duty"]


class ReferralViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """问题互通单：中心发现的问题、派出单位领导的答复。"""

    queryset = Referral.objects.select_related("unit")
    serializer_class = ReferralSerializer
    pagination_class = KeysetPagination


class DecisionSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "number", "text", "unit", "unit_name", "owner", "deadline", "measure"]


class MeetingSerializer(serializers.ModelSerializer):
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "kind", "title", "held_on", "place", "chair", "units", "attendees", "status", "minutes",
                  "issued_on", "decisions"]


class MeetingViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """协调会议：参会单位和人员、纪要、议定事项（每项对应一项整改措施）。"""

    queryset = Meeting.objects.prefetch_related("units", "attendees", "decisions__unit")
    serializer_class = MeetingSerializer
    pagination_class = KeysetPagination
