"""归档信息包 over the API: the page's list (the same scope: a package is seen with its case) and the check."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from tongban.archives import services
from tongban.archives.choices import PackageStatus
from tongban.archives.models import ArchivePackage
from tongban.core.api import KeysetPagination, ScopedViewSetMixin


class ArchivePackageSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    title = serializers.CharField(source="case.title", read_only=True)

    class Meta:
        model = ArchivePackage
        fields = ["id", "case_number", "title", "closed_on", "packed_at", "file_count", "size", "sha256",
                  "retention_years", "retain_until", "status", "verified_at", "verify_message"]


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    status = serializers.ChoiceField(choices=PackageStatus.choices)
    messages = serializers.ListField(child=serializers.CharField(), help_text="每处问题一句（被修改、缺失、多出的文件）")


class ArchivePackagePagination(KeysetPagination):
    ordering = "-pk"


class ArchivePackageViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """归档信息包：办结办件的归档包（元数据、文书、签名与 SHA-256 清单）及其校验状态；`?status=intact|damaged|unverified`。"""

    queryset = ArchivePackage.objects.select_related("case")
    serializer_class = ArchivePackageSerializer
    pagination_class = ArchivePackagePagination

    def get_queryset(self):
        rows = super().get_queryset()
        status = self.request.query_params.get("status")
        return rows.filter(status=status) if status in PackageStatus.values else rows

    @extend_schema(parameters=[OpenApiParameter("status", str, enum=PackageStatus.values, required=False)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=None, responses={200: VerificationSerializer})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """按清单校验存储的归档包并记录校验状态（办理该件的人及其领导）。"""
        package = self.get_object()
        if not request.user.has_perm("archives.verify_package", package.case):
            raise PermissionDenied("只有办理该件的人员及其领导可以校验归档包。")
        result = services.verify_package(package, by=request.user)
        package.refresh_from_db()
        return Response({"ok": result.ok, "status": package.status, "messages": result.messages()})
