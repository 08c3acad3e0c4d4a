"""API of 电子证照: the licences in scope (read), revoke, and the 免提交 choice of a case at intake — the same
FilterSet, rules and services as the pages."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from tongban.core.api import KeysetPagination, ScopedViewSetMixin
from tongban.licences import selectors, services
from tongban.licences.filtersets import LicenceFilterSet
from tongban.licences.models import Licence
from tongban.org.scopes import get_visible_or_404


class LicenceSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="kind.name", read_only=True)
    holder_id = serializers.SerializerMethodField(help_text="自然人的证件号码脱敏；统一社会信用代码公开")
    verify_url = serializers.CharField(source="get_verify_url", read_only=True)

    class Meta:
        model = Licence
        fields = ["id", "number", "kind", "title", "holder_kind", "holder_name", "holder_id", "issuer_name",
                  "issued_on", "valid_from", "valid_until", "status", "source", "verify_url"]

    def get_holder_id(self, obj) -> str:
        from tongban.core.masking import mask_id_numbers

        return obj.holder_id if obj.holder_kind == "organisation" else mask_id_numbers(obj.holder_id)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class LicenceViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """电子证照：本范围内发证单位出具或导入的证照（`q` 证照编号、持证主体或完整证件号码；`status`）。"""

    queryset = Licence.objects.select_related("kind")
    serializer_class = LicenceSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = LicenceFilterSet
    pagination_class = KeysetPagination

    @extend_schema(request=RevokeSerializer, responses={200: LicenceSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """注销证照（须理由）。"""
        licence = self.get_object()
        if not request.user.has_perm("licences.revoke_licence", licence):
            raise PermissionDenied("您不能注销该证照。")
        body = RevokeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return Response(LicenceSerializer(services.revoke(licence, by=request.user, reason=body.validated_data["reason"])).data)


class UseSerializer(serializers.Serializer):
    case = serializers.CharField(max_length=30, help_text="办件编号")
    material = serializers.IntegerField(help_text="办件材料的 id")
    licence = serializers.IntegerField(allow_null=True, help_text="电子证照 id；null 取消")


class UseResponseSerializer(serializers.Serializer):
    material = serializers.IntegerField()
    licence = serializers.IntegerField(allow_null=True)
    offered = serializers.ListField(child=serializers.IntegerField(), help_text="该材料可选的电子证照 id")


class LicenceUseView(APIView):
    """电子证照免提交（受理前）：用申请人本人的有效电子证照代替某份材料。"""

    @extend_schema(request=UseSerializer, responses={200: UseResponseSerializer})
    def post(self, request):
        from tongban.cases.models import Case

        body = UseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = get_visible_or_404(Case, request.user, number=body.validated_data["case"])
        if not (request.user.has_perm("licences.use_licences", case) and selectors.can_use_now(case)):
            raise PermissionDenied("只有受理窗口（或领导）在受理前可以调用电子证照。")
        material_id, licence_id = body.validated_data["material"], body.validated_data["licence"]
        try:
            services.use_licences(case, {material_id: licence_id}, by=request.user)
        except DjangoPermissionDenied:
            raise PermissionDenied()
        offer = next((o for o in selectors.offers_for_case(case) if o.material.pk == material_id), None)
        return Response({"material": material_id, "licence": licence_id,
                         "offered": [lic.pk for lic in offer.licences] if offer else []})
