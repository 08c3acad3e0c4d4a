"""Abstract bases shared by every domain model."""
from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """Optimistic concurrency: every edit names the version it started from.

    `tongban.core.services.update_versioned` refuses an edit made against an old version, so two
    people editing the same record never overwrite each other silently.
    """

    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True


class ProgressModel(models.Model):
    """A long-running thing (a job run, an import) whose progress a page polls to draw a bar."""

    progress_done = models.PositiveIntegerField("已完成", default=0)
    progress_total = models.PositiveIntegerField("总数", default=0)

    class Meta:
        abstract = True

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    def set_progress(self, done: int, total: int | None = None) -> None:
        """Report progress: one UPDATE, committed at once when called outside a transaction, so the
        polling page's bar moves while the work goes on."""
        changes = {"progress_done": max(0, done)}
        if total is not None:
            changes["progress_total"] = max(0, total)
        type(self)._default_manager.filter(pk=self.pk).update(**changes)
        for field, value in changes.items():
            setattr(self, field, value)
