"""Projects API: the ledger with the page's FilterSet, through the one scope layer (read-only; the writes are
the project page's actions and the cases API's transitions)."""
from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import viewsets

from tongban.core.api import KeysetPagination, ScopedViewSetMixin
from tongban.projects.api.serializers import ProjectSerializer
from tongban.projects.filtersets import ProjectFilterSet
from tongban.projects.models import Project, ProjectStage
from tongban.projects.selectors import with_current_stage


class NewestFirst(KeysetPagination):
    ordering = "-id"


class ProjectViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """工程建设项目：本人数据范围内的项目及其四个阶段；筛选 q、kind、green_channel、land_secured、stage、
    registered_after / registered_before（与项目台账页相同）。"""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    pagination_class = NewestFirst

    def get_queryset(self):
        stages = Prefetch("stages", queryset=ProjectStage.objects.select_related("case", "lead_unit").order_by("stage"))
        return with_current_stage(Project.objects.visible_to(self.request.user)).prefetch_related(stages)
