"""Abstract bases shared by every domain model."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.dispatch import Signal

# A person changed settings of a policy row (the admin, a regional profile): sent with sender=the model and
# fields=the names whose value changed, after the save, in its transaction. An app whose stored dates a setting
# feeds re-dates them in its receiver and returns how many records it re-dated (cases: the open cases' clocks).
policy_changed = Signal()


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


class PolicySettingsModel(TimeStampedModel):
    """A database-editable policy of one app: a single row (pk 1) with its defaults, written by `migrate`
    (`create_policy_rows`, on post_migrate), so a request only reads it. Each field's help_text names its
    source (../shared/RULES.md).

    Creating the row changes nothing: it holds the defaults the code would use anyway. A change of a setting
    that feeds stored dates is re-dated by whoever changes it (the cases' admin re-dates the open cases'
    clocks when the §32 days or the warning days change, docs/cases.md)."""

    class Meta:
        abstract = True

    @classmethod
    def load(cls):
        """The row; created with the defaults if a database lacks it (migrated without post_migrate, or the
        row deleted). Concurrent first reads do not race: get_or_create inserts in a savepoint and, on the
        IntegrityError of a concurrent insert of pk 1, reads the row that one committed."""
        try:
            return cls.objects.get(pk=1)
        except cls.DoesNotExist:
            return cls.objects.get_or_create(pk=1)[0]


def create_policy_rows(using: str = "default", **kwargs) -> list[str]:
    """post_migrate: the default row of every PolicySettingsModel whose table exists, in one INSERT per
    table that skips a row already there (no signals, no history: the defaults are not a change). Returns
    the models whose row was missing."""
    from django.apps import apps
    from django.db import connections

    connection = connections[using]
    tables = set(connection.introspection.table_names())
    created = []
    for model in apps.get_models():
        if not issubclass(model, PolicySettingsModel) or model._meta.db_table not in tables:
            continue
        manager = model._default_manager.db_manager(using)
        if not manager.filter(pk=1).exists():
            manager.bulk_create([model(pk=1)], ignore_conflicts=True)
            created.append(model._meta.label)
    return created


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


class ImportSnapshot(models.Model):
    """What the last import wrote into one record: {field: value as JSON}.

    The next import compares a record's current value with this: a difference means the field was
    edited in tongban since the last import, and the import then keeps tongban's value unless the user
    takes the file's (`tongban.core.import_snapshots`). One row per record, whatever imported it (the
    ledger, the org workbook, the catalogue workbook)."""

    content_type = models.ForeignKey("contenttypes.ContentType", verbose_name="记录类型", on_delete=models.CASCADE,
                                     related_name="+")
    object_id = models.PositiveBigIntegerField("记录ID")
    values = models.JSONField("导入的值", default=dict)
    imported_at = models.DateTimeField("导入时间")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id"], name="core_import_snapshot_once")]
        verbose_name = "导入快照"
        verbose_name_plural = "导入快照"

    def __str__(self) -> str:
        return f"{self.content_type_id}:{self.object_id}"
