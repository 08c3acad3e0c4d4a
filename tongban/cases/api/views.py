"""Case API: the same scope, filters, transition table and services as the pages."""
from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response

from tongban.cases.api.serializers import (
    ChannelMonthSerializer,
    CaseCreateSerializer,
    CaseTaskQueueSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    CaseTransitionSerializer,
    materials_dict,
)
from tongban.cases.error_codes import CaseError, case_error
from tongban.cases import intake_forms, selectors
from tongban.cases.filtersets import CaseFilterSet, TaskFilterSet
from tongban.cases.models import Case, CaseTask
from tongban.cases.services import actions, intake
from tongban.catalog.models import Bundle, ServiceItem
from tongban.core.api import KeysetPagination, ScopedViewSetMixin


class CasePagination(KeysetPagination):
    ordering = "-id"  # newest first (numbers and ids grow together)


class CaseViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """办件：列表（个人信息脱敏，游标分页）、详情（含子办件、材料、办理过程及 BLZT 状态代码）、收件登记、办件操作。"""

    queryset = Case.objects.select_related("intake_window", "intake_unit")
    serializer_class = CaseSerializer
    filterset_class = CaseFilterSet
    pagination_class = CasePagination
    lookup_field = "number"
    lookup_value_regex = "[0-9A-Za-z]{1,30}"
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        if self.action == "retrieve":
            return CaseDetailSerializer
        if self.action == "create":
            return CaseCreateSerializer
        if self.action == "transitions":
            return CaseTransitionSerializer
        return CaseSerializer

    def get_queryset(self):
        qs = super().get_queryset()
        if self.action in ("retrieve", "transitions"):
            qs = qs.prefetch_related(
                Prefetch("tasks", queryset=CaseTask.objects.select_related("item", "unit").prefetch_related("steps")
                         .order_by("stage", "pk")),
                "materials__identity", "events__actor", "extensions")
        return qs

    def paginate_queryset(self, queryset):
        """The page, and the reviewing units of its cases in one query (the serializer's `reviewing_units`)."""
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._reviewing_units = selectors.reviewing_units(case.pk for case in page)
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "reviewing_units": getattr(self, "_reviewing_units", None)}

    def _detail(self, case: Case, code=status.HTTP_200_OK) -> Response:
        case = self.get_queryset().get(pk=case.pk)
        return Response(CaseDetailSerializer(case, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def create(self, request, *args, **kwargs):
        """收件登记：在调用者所在的受理窗口收件；综合受理窗口可收任何事项和一件事，专业窗口只收本部门事项，
        乡镇窗口只收下放到本乡镇的事项。"""
        windows = intake.intake_windows_for(request.user)
        if not windows:
            raise PermissionDenied
        body = CaseCreateSerializer(data=request.data)
        if not body.is_valid():
            raise exceptions.ValidationError(_with_applicant_errors(body.errors, request.data))
        data = dict(body.validated_data)
        item = ServiceItem.objects.filter(pk=data.pop("item", None) or 0).first()
        bundle = Bundle.objects.filter(pk=data.pop("bundle", None) or 0).first()
        if (item is None) == (bundle is None):
            raise case_error(CaseError.ITEM_OR_BUNDLE)
        materials = materials_dict(data.pop("materials", []))
        form_data, form_errors = intake_forms.check_form_data(intake_forms.form_fields_for(item, bundle),
                                                              data.get("form_data", {}))
        if form_errors:
            raise exceptions.ValidationError({"form_data": {
                code: [ErrorDetail(e.message, code=e.code) for e in errors] for code, errors in form_errors.items()}})
        form_data = {**data.pop("form_data", {}), **form_data}
        case = intake.receive_case(by=request.user, window=windows[0], item=item, bundle=bundle, applicant=data,
                                   materials=materials, form_data=form_data)
        return self._detail(case, status.HTTP_201_CREATED)

    @extend_schema(responses=ChannelMonthSerializer,
                   parameters=[OpenApiParameter("month", str, description="月份 YYYY-MM，默认本月")])
    @action(detail=False, methods=["get"], url_path="channels", filter_backends=[], pagination_class=None)
    def channels(self, request):
        """渠道与网点：范围内各乡镇、村便民服务点和银行、邮政网点本月收件、转出、转入、办结的件数，以及各收件渠道的件数
        （与 /cases/channels/ 同一个 selector）。"""
        from django.utils import timezone

        first, last = selectors.month_bounds(request.query_params.get("month", ""), timezone.localdate())
        figures = selectors.channel_month(request.user, first, last)
        return Response(ChannelMonthSerializer({
            "first": first, "last": last, "channels": figures["channels"], "totals": figures["totals"],
            "sites": [{"unit": r["unit"].code, "unit_name": r["unit"].name, "kind": r["unit"].kind.code,
                       **{k: r[k] for k in ("received", "forwarded_out", "forwarded_in", "closed")}}
                      for r in figures["sites"]]}).data)

    @extend_schema(request=CaseTransitionSerializer, responses={200: CaseDetailSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def transitions(self, request, number=None):
        """办件操作（与办件页面的按钮同一张状态转换表）：notify_correction 一次性告知、correct 补正收齐、accept
        受理、accept_pending 容缺受理（pending、promise_signed、pending_due）、refuse 不予受理（reason）、
        supply_pending 容缺材料补齐、complete_step 完成本环节（task、reason）、approve / deny / suspend 子办件的准予、不予许可、特别程序（task、reason、kind）、
        request_extension 申请延长审批期限（task、workdays、reason）、approve_extension / refuse_extension 负责人批准或不予批准（task、reason）、
        resume 特别程序结束、deliver 出件（method 与证照编号 / 邮寄单号）、withdraw 撤回（reason）、
        forward 转送（to_window：窗口编号；异地代收、多地联办）。"""
        case = self.get_object()
        body = CaseTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        name = data.pop("action")
        task_id = data.pop("task", None)
        task = case.tasks.filter(pk=task_id).first() if task_id else None
        if task_id and task is None:
            raise case_error(CaseError.TASK_OTHER_CASE)
        if "materials" in data:
            data["materials"] = materials_dict(data["materials"])
        case = actions.perform(case, name, by=request.user, task=task, **data)
        return self._detail(case)


def _with_applicant_errors(errors, data) -> dict:
    """The body's format errors plus the service's applicant checks on the other fields, so one answer
    names every field to correct (a wrong kind of value and a wrong check digit alike)."""
    errors = dict(errors)
    if not isinstance(data, Mapping):
        return errors
    try:
        intake.clean_applicant(data)
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            if field not in errors:
                errors[field] = [ErrorDetail(e.message, code=e.code) for e in field_errors]
    return errors


class ReviewQueuePagination(KeysetPagination):
    ordering = ("due_date", "id")  # soonest due first; open tasks always have a due date


class ReviewQueueViewSet(viewsets.ReadOnlyModelViewSet):
    """待审查：调用者所在部门（及其下级、分管单位）正在审查的子办件，到期早的在前；`q` 按办件编号、申请人、事项或完整证件号码搜索。"""

    serializer_class = CaseTaskQueueSerializer
    filterset_class = TaskFilterSet
    pagination_class = ReviewQueuePagination

    def get_queryset(self):
        return selectors.review_queue(self.request.user)
