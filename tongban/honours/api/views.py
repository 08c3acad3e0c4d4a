"""/api/v1/honours/: nominations and decisions in the caller's scope (filters kind, status, period, unit, window,
staff — the list page's FilterSet)."""
from __future__ import annotations

from rest_framework import viewsets

from tongban.core.api import KeysetPagination, ScopedViewSetMixin
from tongban.honours.api.serializers import HonourSerializer
from tongban.honours.filtersets import HonourFilterSet
from tongban.honours.models import Honour


class NewestFirst(KeysetPagination):
    ordering = "-id"


class HonourViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """评优：本人数据范围内的提名与决定（评选期、项目、对象、提名时的数据、决定文号）；筛选 kind、status、period（2026-10 或 2026-Q4）、unit、window、staff。"""

    queryset = Honour.objects.select_related("kind", "unit")
    serializer_class = HonourSerializer
    filterset_class = HonourFilterSet
    pagination_class = NewestFirst
