from rest_framework import permissions, viewsets

from tongban.core.api import ScopedViewSetMixin
from tongban.jobs.api.serializers import JobRunSerializer
from tongban.jobs.filtersets import JobRunFilterSet
from tongban.jobs.models import JobRun


class CanViewJobs(permissions.BasePermission):
    message = "您没有权限查看定时任务。"

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm("jobs.view_jobs")


class JobRunViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """定时任务运行记录：每个任务每个周期（日 / 周 / 月）一条，含状态、进度、结果与错误信息。"""

    queryset = JobRun.objects.select_related("triggered_by")
    serializer_class = JobRunSerializer
    filterset_class = JobRunFilterSet
    permission_classes = [permissions.IsAuthenticated, CanViewJobs]
