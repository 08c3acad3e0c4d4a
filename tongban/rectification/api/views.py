"""Rectification API: the same scopes, rules and services as the pages."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from tongban.core.api import KeysetPagination, ScopedViewSetMixin, visible_prefetch
from tongban.rectification import services
from tongban.rectification.api.serializers import (
    AccountabilitySerializer,
    EvidenceSerializer,
    FindingSerializer,
    InspectionSerializer,
    MeasureSerializer,
    ProgressSerializer,
    RevisitRecordSerializer,
    RevisitSerializer,
    SignalDecisionSerializer,
    SignalSerializer,
    TransitionSerializer,
)
from tongban.rectification.filtersets import (
    AccountabilityFilterSet,
    EvidenceFilterSet,
    FindingFilterSet,
    InspectionFilterSet,
    MeasureFilterSet,
    SignalFilterSet,
)
from tongban.rectification.lists import add_evidence_counts
from tongban.rectification.models import Accountability, Evidence, Finding, Inspection, Measure, Signal
from tongban.rectification.rules import TRANSITION_PERMS


def require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


class WritableViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                      viewsets.ReadOnlyModelViewSet):
    """List, retrieve, create and update (no delete); writes need `rectification.manage`."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    pagination_class = KeysetPagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in ("create", "update", "partial_update"):
            require(request, "rectification.manage")  # before validation: no hints about other records

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        serializer.instance = self._as_listed(self.create_record(data))

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version")  # required on every update (VersionedSerializerMixin)
        serializer.instance = self._as_listed(self.update_record(serializer.instance, data, version))

    def _as_listed(self, record):
        """The record as the list and detail show it (with its annotations, such as a measure's due date)."""
        return self.get_queryset().filter(pk=record.pk).first() or record


class InspectionViewSet(WritableViewSet):
    """巡察（巡视）：派出机关、巡察组、被巡察单位、反馈日期、整改报告报送期限（默认反馈后两个月）。"""

    queryset = Inspection.objects.select_related("inspected_unit")
    serializer_class = InspectionSerializer
    filterset_class = InspectionFilterSet

    def create_record(self, data):
        return services.create_inspection(by=self.request.user, **data)

    def update_record(self, inspection, data, version):
        return services.update_inspection(inspection, expected_version=version, by=self.request.user, **data)


class FindingViewSet(WritableViewSet):
    """反馈问题与意见建议，按问题方面归类。"""

    queryset = Finding.objects.select_related("aspect", "inspection")
    serializer_class = FindingSerializer
    filterset_class = FindingFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def create_record(self, data):
        inspection = data.pop("inspection")
        title = (data.pop("aspect_title", "") or "").strip()
        aspect = services.add_aspect(inspection, title=title, by=self.request.user) if title else None
        return services.add_finding(inspection, aspect=aspect, by=self.request.user, **data)


class MeasureViewSet(WritableViewSet):
    """整改措施：责任单位（牵头、协调、配合）、责任领导、责任人、时限、状态；
    操作：start（启动）、progress（填报进展，可附佐证材料）、submit（申请销号）、verify（销号）、return（退回）、
    revisits（回头看：列出、安排）、revisits/<id>/record（记录回头看结果）。"""

    serializer_class = MeasureSerializer
    filterset_class = MeasureFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return (
            Measure.objects.visible_to(self.request.user)
            .with_overdue(timezone.localdate())
            .select_related("lead_unit", "finding", "verified_by__staff")
            .prefetch_related("unit_roles__unit", "checkpoints")
        )

    def paginate_queryset(self, queryset):
        """The page's evidence counts in one query (not a GROUP BY over every measure)."""
        page = super().paginate_queryset(queryset)
        return add_evidence_counts(page) if page is not None else None

    def create_record(self, data):
        checkpoints = data.pop("checkpoint_dates", [])
        return services.create_measure(checkpoints=checkpoints, by=self.request.user, **data)

    def update_record(self, measure, data, version):
        if "checkpoint_dates" in data:
            data["checkpoints"] = data.pop("checkpoint_dates")
        data.pop("finding", None)
        return services.update_measure(measure, expected_version=version, by=self.request.user, **data)

    def _done(self, measure):
        fresh = self.get_queryset().get(pk=measure.pk)
        return Response(MeasureSerializer(fresh, context=self.get_serializer_context()).data)

    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        measure = self.get_object()
        require(request, "rectification.submit_measure", measure)
        return self._done(services.start_measure(measure, by=request.user))

    @action(detail=True, methods=["post"], serializer_class=ProgressSerializer)
    def progress(self, request, pk=None):
        measure = self.get_object()
        body = ProgressSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        files = request.FILES.getlist("files")
        if body.validated_data.get("checkpoint"):
            require(request, "rectification.submit_measure", measure)
            checkpoint = get_object_or_404(measure.checkpoints, pk=body.validated_data["checkpoint"])
            services.report_checkpoint(measure, checkpoint, text=body.validated_data["text"], files=files,
                                       by=request.user)
        else:
            require(request, "rectification.report_progress", measure)
            services.add_progress(measure, text=body.validated_data["text"], files=files, by=request.user)
        return self._done(measure)

    def _transition(self, request, name: str):
        """submit / verify / return: the same service and rule as the measure page."""
        service, field_name = services.TRANSITIONS[name]
        measure = self.get_object()
        require(request, TRANSITION_PERMS[name], measure)
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        return self._done(service(measure, by=request.user, expected_version=data.get("version"),
                                  **{field_name: data.get(field_name, "")}))

    @action(detail=True, methods=["post"], serializer_class=TransitionSerializer)
    def submit(self, request, pk=None):
        """申请销号（需已上传佐证材料）；可附 result（整改成效）。"""
        return self._transition(request, "submit")

    @action(detail=True, methods=["post"], serializer_class=TransitionSerializer)
    def verify(self, request, pk=None):
        """销号（整改办、中心领导、管理员）；可附 comment（审核意见）。"""
        return self._transition(request, "verify")

    @action(detail=True, methods=["post"], serializer_class=TransitionSerializer, url_path="return")
    def return_(self, request, pk=None):
        """退回（须附 reason）。"""
        return self._transition(request, "return")

    @extend_schema(methods=["GET"], request=None, responses=RevisitSerializer(many=True))
    @extend_schema(methods=["POST"], request=RevisitSerializer, responses={201: RevisitSerializer})
    @action(detail=True, methods=["get", "post"], serializer_class=RevisitSerializer,
            pagination_class=None, filter_backends=[])
    def revisits(self, request, pk=None):
        """回头看：GET 列出；POST 安排（scheduled_date；仅“已整改到位”的措施，整改办、中心领导、管理员）。"""
        measure = self.get_object()
        if request.method == "GET":
            return Response(RevisitSerializer(measure.revisits.all(), many=True).data)
        require(request, "rectification.manage_revisits", measure)
        body = RevisitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        revisit = services.schedule_revisit(measure, scheduled_date=body.validated_data["scheduled_date"],
                                            by=request.user)
        return Response(RevisitSerializer(revisit).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], serializer_class=RevisitRecordSerializer,
            url_path=r"revisits/(?P<revisit_pk>[0-9]+)/record")
    def record_revisit(self, request, pk=None, revisit_pk=None):
        """记录回头看结果：done_date（可早于计划日期，不能晚于今天）、satisfied、notes；不满意须给
        new_deadline（晚于今天），措施重新整改。"""
        measure = self.get_object()
        require(request, "rectification.manage_revisits", measure)
        revisit = get_object_or_404(measure.revisits, pk=revisit_pk)
        body = RevisitRecordSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        revisit = services.record_revisit(revisit, by=request.user, **body.validated_data)
        return Response(RevisitSerializer(revisit).data)


class EvidenceViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """佐证材料（只读）；文件通过 download_url 下载，同样校验数据权限。"""

    queryset = Evidence.objects.select_related("update")
    serializer_class = EvidenceSerializer
    pagination_class = KeysetPagination
    filterset_class = EvidenceFilterSet


class AccountabilityViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """问责记录：约谈、通报批评、诫勉、组织处理、党纪处分……，针对人员或单位，关联整改措施。"""

    queryset = Accountability.objects.select_related("target_staff", "target_unit")
    serializer_class = AccountabilitySerializer
    filterset_class = AccountabilityFilterSet
    pagination_class = KeysetPagination

    def get_queryset(self):
        """The linked measures as the caller may see them (never an id that answers 404 to them)."""
        return super().get_queryset().prefetch_related(visible_prefetch("measures", Measure, self.request.user))

    def create(self, request, *args, **kwargs):
        require(request, "rectification.record_accountability")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = services.record_accountability(by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(record).data, status=status.HTTP_201_CREATED)


class SignalViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """整改提示（只读列表与详情；整改办、中心领导、管理员、效能监察）：kind、measure、sentence（一句说明）、
    details（依据）、status；筛选同提示清单。POST signals/<id>/decide/：fine（已核查，无问题）/ revisit（安排回头看，
    scheduled_date）/ accountability（记录问责，action_kind、target_staff 或 target_unit、decided_on、decided_by），
    均须 reason；经与页面相同的服务。"""

    queryset = Signal.objects.select_related("decided_by__staff")
    serializer_class = SignalSerializer
    filterset_class = SignalFilterSet
    pagination_class = KeysetPagination

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        require(request, "rectification.view_signals")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visible_others"] = getattr(self, "_visible_others", set())
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._remember_visible(page or [])
        return page

    def retrieve(self, request, *args, **kwargs):
        self._remember_visible([self.get_object()])
        return super().retrieve(request, *args, **kwargs)

    def _remember_visible(self, signals) -> None:
        others = {s.other_measure_id for s in signals if s.other_measure_id}
        self._visible_others = set(Measure.objects.visible_to(self.request.user).filter(pk__in=others)
                                   .values_list("pk", flat=True)) if others else set()

    @extend_schema(request=SignalDecisionSerializer, responses=SignalSerializer)
    @action(detail=True, methods=["post"], serializer_class=SignalDecisionSerializer)
    def decide(self, request, pk=None):
        from tongban.rectification.signals import decide

        signal = self.get_object()
        require(request, "rectification.decide_signal")
        body = SignalDecisionSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        accountability = None
        if data["decision"] == "accountability":
            accountability = {key: data.get(key) for key in ("action_kind", "reason_kind", "target_staff", "target_unit",
                                                             "decided_by")}
            accountability["decided_on"] = data.get("decided_on") or timezone.localdate()
        signal = decide(signal, decision=data["decision"], reason=data["reason"], by=request.user,
                        revisit_date=data.get("scheduled_date"), accountability=accountability)
        self._remember_visible([signal])
        return Response(SignalSerializer(Signal.objects.get(pk=signal.pk), context=self.get_serializer_context()).data)
