"""The organisation: a tree of units, their windows and their people.

The tree is stored as a materialised path (`/1/4/17/`), so "this unit and everything below it" is a
single `path LIKE '/1/4/%'` on every database; the scope layer (`tongban.org.scopes`) is built on it.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from tongban.core.models import TimeStampedModel, VersionedModel
from tongban.org.choices import Role, WindowKind
from tongban.org.scopes import ScopedQuerySet


class UnitKind(TimeStampedModel):
    """Kinds of unit are data: a centre may add 分中心 or 村级代办点 without a code change.

    `code` is stable and used by code that must recognise a kind (e.g. `township` for 县镇同权).
    """

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    is_service_point = models.BooleanField("对外服务网点", default=False, help_text="在公众服务网点列表中出现")

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "单位类型"
        verbose_name_plural = "单位类型"

    def __str__(self) -> str:
        return self.name


class Unit(VersionedModel):
    code = models.SlugField("单位代码", max_length=40, unique=True)
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.ForeignKey(UnitKind, verbose_name="单位类型", on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self", verbose_name="上级单位", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("路径", max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=100)
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    service_hours = models.CharField("办公时间", max_length=100, blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = ""  # the unit is its own scope anchor
    picker_placeholder = "输入单位名称、简称或拼音搜索"

    class Meta:
        ordering = ["path"]
        verbose_name = "单位"
        verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:unit_detail", args=[self.pk])

    @property
    def picker_hint(self) -> str:
        """Searched and shown under the name in the unit pickers (core.widgets): the short name people use."""
        return self.short_name

    def clean(self) -> None:
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "上级单位不能是它自己。"})

    def save(self, *args, **kwargs) -> None:
        """Keep `path` and `depth` in step with `parent` (moving a unit goes through
        `org.services.move_unit`, which also rewrites the descendants' paths)."""
        super().save(*args, **kwargs)
        parent_path = self.parent.path if self.parent_id else "/"
        path = f"{parent_path}{self.pk}/"
        depth = path.count("/") - 2
        if path != self.path or depth != self.depth:
            self.path, self.depth = path, depth
            Unit.objects.filter(pk=self.pk).update(path=path, depth=depth)

    def ancestors(self) -> models.QuerySet[Unit]:
        ids = [int(part) for part in self.path.strip("/").split("/") if part][:-1]
        return Unit.objects.filter(pk__in=ids).order_by("depth")

    def descendants(self, include_self: bool = False) -> models.QuerySet[Unit]:
        qs = Unit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    @property
    def alias_names(self) -> list[str]:
        return sorted(alias.name for alias in self.aliases.all())


class UnitAlias(TimeStampedModel):
    """Another name a unit goes by in the ledgers and lists offices keep: 市场监管局, 人社局, 卫健委.

    A name belongs to one unit only and is never another unit's full or short name, so an import
    resolves it without doubt. Edited on the unit page and in the org workbook (column 别名); the
    ledger import adds one when the user maps an unknown name to a unit."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField("别名", max_length=60, unique=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"

    def __str__(self) -> str:
        return self.name


class Window(VersionedModel):
    code = models.SlugField("窗口编号", max_length=40, unique=True)
    name = models.CharField("窗口名称", max_length=100)
    kind = models.CharField("窗口类型", max_length=20, choices=WindowKind.choices)
    unit = models.ForeignKey(Unit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="windows")
    location = models.CharField("位置", max_length=100, blank=True)
    is_active = models.BooleanField("启用", default=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_window_field = ""  # the window is its own window anchor

    class Meta:
        ordering = ["unit__path", "code"]
        verbose_name = "窗口"
        verbose_name_plural = "窗口"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("org:window_detail", args=[self.pk])


class Staff(VersionedModel):
    """A person working for a unit; linked to a login user when they use the system."""

    staff_no = models.SlugField("工号", max_length=40, unique=True)
    name = models.CharField("姓名", max_length=40)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    unit = models.ForeignKey(Unit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="staff")
    window = models.ForeignKey(
        Window, verbose_name="所在窗口", null=True, blank=True, on_delete=models.SET_NULL, related_name="staff"
    )
    position = models.CharField("职务", max_length=60, blank=True)
    role = models.CharField("系统角色", max_length=30, choices=Role.choices, default=Role.STAFF)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    is_leader = models.BooleanField("领导", default=False)
    units_in_charge = models.ManyToManyField(
        Unit, verbose_name="分管单位", blank=True, related_name="leaders_in_charge"
    )
    is_active = models.BooleanField("在岗", default=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"
    scope_window_field = "window"
    picker_placeholder = "输入姓名、拼音首字母或单位搜索"

    class Meta:
        ordering = ["unit__path", "staff_no"]
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("org:staff_detail", args=[self.pk])

    @property
    def picker_hint(self) -> str:
        """Searched and shown under the name in the people pickers (core.widgets): unit and position. Only
        when the unit was loaded with the person (select_related), so a picker never queries per person."""
        unit = self.unit.name if Staff.unit.is_cached(self) else ""
        return " · ".join(part for part in (unit, self.position) if part)
