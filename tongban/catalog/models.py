"""The service catalogue (事项实施清单): items with their standard elements, materials, forms and steps;
一件事 bundles over them; delegation to townships; intermediaries; the 三集中三到位 negative list.

Scope: an item belongs to its implementing unit (`scope_unit_field = "implementing_unit"`); everything
hanging off an item is scoped through it. Case handling (next phase) reads items, materials, form fields
and steps from here, so these are the records a case will point at.
"""
from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from tongban.catalog.choices import (
    DEFAULT_CONSISTENCY_ELEMENTS,
    Audience,
    CaseKind,
    Channel,
    DataType,
    DelegationMode,
    IntermediaryStatus,
    ItemLevel,
    ItemType,
    NegativeReason,
    NegativeSource,
    ResultKind,
    SpecialStepKind,
)
from tongban.catalog.credit_code import validate_credit_code
from tongban.core.models import PolicySettingsModel, TimeStampedModel, VersionedModel
from tongban.org.scopes import ScopedQuerySet


CHANNEL_FIELDS = {
    Channel.WINDOW.value: "via_window",
    Channel.ONLINE.value: "via_online",
    Channel.MOBILE.value: "via_mobile",
    Channel.OUTLET.value: "via_outlet",
}


def channel_flags(codes) -> dict[str, bool]:
    """["window", "online"] -> {"via_window": True, "via_online": True, "via_mobile": False, ...}"""
    return {field: code in (codes or ()) for code, field in CHANNEL_FIELDS.items()}


def default_consistency_elements() -> list[str]:
    return list(DEFAULT_CONSISTENCY_ELEMENTS)


class CatalogSettings(PolicySettingsModel):
    """Database-editable catalogue policy (one row): which elements "两级十同" compares, how early
    qualifications are flagged, the default deadline for computed negative-list entries."""

    consistency_elements = models.JSONField("两级十同比对要素", default=default_consistency_elements, blank=True)
    qualification_warning_days = models.PositiveSmallIntegerField("资质到期提前提醒（天）", default=30)
    negative_list_deadline_days = models.PositiveSmallIntegerField("负面清单默认整改期限（天）", default=30)

    class Meta:
        verbose_name = "目录设置"
        verbose_name_plural = "目录设置"

    def __str__(self) -> str:
        return "目录设置"


class MaterialIdentity(TimeStampedModel):
    """The same document recognised as one across items (身份证, 营业执照, 场所证明 …)."""

    code = models.SlugField("材料编码", max_length=60, unique=True)
    name = models.CharField("材料名称", max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = "材料标识"
        verbose_name_plural = "材料标识"

    def __str__(self) -> str:
        return self.name


class DataElement(TimeStampedModel):
    """A form field's identity: one field asked by two items is asked once."""

    code = models.SlugField("数据元编码", max_length=60, unique=True)
    label = models.CharField("字段名称", max_length=100)
    data_type = models.CharField("数据类型", max_length=20, choices=DataType.choices, default=DataType.TEXT)

    class Meta:
        ordering = ["code"]
        verbose_name = "数据元"
        verbose_name_plural = "数据元"

    def __str__(self) -> str:
        return self.label


class ServiceItem(VersionedModel):
    name = models.CharField("事项名称", max_length=200)
    basic_code = models.CharField("基本编码", max_length=60, db_index=True)
    implementation_code = models.CharField("实施编码", max_length=80, unique=True)
    item_type = models.CharField("事项类型", max_length=20, choices=ItemType.choices, default=ItemType.LICENSING)
    competent_department = models.ForeignKey(
        "org.Unit", verbose_name="主管部门", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    implementing_unit = models.ForeignKey(
        "org.Unit", verbose_name="实施主体", on_delete=models.PROTECT, related_name="service_items"
    )
    legal_basis = models.TextField("设定依据", blank=True)
    level = models.CharField("行使层级", max_length=20, choices=ItemLevel.choices, default=ItemLevel.COUNTY)
    conditions = models.TextField("受理条件", blank=True)
    statutory_days = models.PositiveSmallIntegerField("法定时限（工作日）", default=20)
    promised_days = models.PositiveSmallIntegerField("承诺时限（工作日）", default=0)
    fees = models.CharField("收费标准", max_length=200, default="不收费", blank=True)
    fee_basis = models.CharField("收费依据", max_length=300, blank=True)
    result_name = models.CharField("办理结果名称", max_length=200, blank=True)
    result_kind = models.CharField("结果类型", max_length=20, choices=ResultKind.choices, default=ResultKind.LICENCE)
    result_identity = models.ForeignKey(
        MaterialIdentity, verbose_name="结果对应材料", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="produced_by", help_text="本事项的办理结果是哪一种材料（一件事中后续事项不再要求申请人提交）",
    )
    place = models.CharField("办理地点", max_length=200, blank=True)
    service_hours = models.CharField("办理时间", max_length=200, blank=True)
    consult_phone = models.CharField("咨询电话", max_length=60, blank=True)
    complaint_phone = models.CharField("监督投诉电话", max_length=60, blank=True)
    visits_on_site = models.PositiveSmallIntegerField("到现场次数", default=1)
    case_kind = models.CharField("办件类型", max_length=20, choices=CaseKind.choices, default=CaseKind.PROMISED)
    via_window = models.BooleanField("窗口办理", default=True)
    via_online = models.BooleanField("网上办理", default=False)
    via_mobile = models.BooleanField("掌上办理", default=False)
    via_outlet = models.BooleanField("网点办理", default=False)
    is_concentrated = models.BooleanField("已进驻中心", default=True)
    is_authorised_to_window = models.BooleanField("已授权窗口", default=True)
    is_handled_at_window = models.BooleanField("在窗口办理", default=True)
    is_published = models.BooleanField("对外公开", default=True)
    is_intermediary_required = models.BooleanField("涉及中介服务", default=False)
    search_initials = models.CharField("拼音首字母", max_length=200, blank=True, editable=False)
    search_pinyin = models.CharField("全拼", max_length=500, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "implementing_unit"

    class Meta:
        ordering = ["implementation_code"]
        verbose_name = "政务服务事项"
        verbose_name_plural = "政务服务事项"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:item_detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("portal:item", args=[self.implementation_code])

    def save(self, *args, **kwargs) -> None:
        self.set_search_keys()
        super().save(*args, **kwargs)

    def set_search_keys(self) -> None:
        """Pinyin initials and full pinyin of the name, for the letter searches (spjy, shipin)."""
        from tongban.core.pinyin import full_pinyin, initials

        self.search_initials = initials(self.name)
        self.search_pinyin = full_pinyin(self.name)

    @property
    def channels(self) -> list[str]:
        """The channels as codes in their canonical order (Excel and the consistency report use these)."""
        return [code for code, field in CHANNEL_FIELDS.items() if getattr(self, field)]

    @property
    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [labels[code] for code in self.channels]

    @property
    def in_center_complete(self) -> bool:
        return self.is_concentrated and self.is_authorised_to_window and self.is_handled_at_window


class ItemMaterial(models.Model):
    item = models.ForeignKey(ServiceItem, verbose_name="事项", on_delete=models.CASCADE, related_name="materials")
    identity = models.ForeignKey(MaterialIdentity, verbose_name="材料", on_delete=models.PROTECT, related_name="uses")
    is_required = models.BooleanField("必要", default=True)
    originals = models.PositiveSmallIntegerField("原件份数", default=1)
    copies = models.PositiveSmallIntegerField("复印件份数", default=0)
    may_be_pending = models.BooleanField("可容缺", default=False)
    is_electronic_licence = models.BooleanField("电子证照免提交", default=False)
    note = models.CharField("备注", max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "item__implementing_unit"

    class Meta:
        ordering = ["item", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "identity"], name="catalog_item_material_once")]
        verbose_name = "申请材料"
        verbose_name_plural = "申请材料"

    def __str__(self) -> str:
        return f"{self.item} · {self.identity}"


class ItemFormField(models.Model):
    item = models.ForeignKey(ServiceItem, verbose_name="事项", on_delete=models.CASCADE, related_name="form_fields")
    element = models.ForeignKey(DataElement, verbose_name="数据元", on_delete=models.PROTECT, related_name="uses")
    is_required = models.BooleanField("必填", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "item__implementing_unit"

    class Meta:
        ordering = ["item", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "element"], name="catalog_item_field_once")]
        verbose_name = "表单字段"
        verbose_name_plural = "表单字段"

    def __str__(self) -> str:
        return f"{self.item} · {self.element}"


class Step(models.Model):
    item = models.ForeignKey(ServiceItem, verbose_name="事项", on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField("序号", validators=[MinValueValidator(1)])
    name = models.CharField("环节名称", max_length=60)
    actor = models.CharField("办理岗位", max_length=60, blank=True)
    days = models.PositiveSmallIntegerField("时限（工作日）", default=0)
    criteria = models.CharField("审查标准", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "item__implementing_unit"

    class Meta:
        ordering = ["item", "order"]
        constraints = [models.UniqueConstraint(fields=["item", "order"], name="catalog_step_order_once")]
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class SpecialStep(models.Model):
    """听证、检验、检测、专家评审 …: own limit, not counted in the item's time limit (行政许可法 §45)."""

    item = models.ForeignKey(ServiceItem, verbose_name="事项", on_delete=models.CASCADE, related_name="special_steps")
    kind = models.CharField("类型", max_length=20, choices=SpecialStepKind.choices)
    name = models.CharField("名称", max_length=100)
    limit_days = models.PositiveSmallIntegerField("时限（工作日）", default=0)
    note = models.CharField("说明", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "item__implementing_unit"

    class Meta:
        ordering = ["item", "pk"]
        constraints = [models.UniqueConstraint(fields=["item", "kind", "name"], name="catalog_special_step_once")]
        verbose_name = "特别程序"
        verbose_name_plural = "特别程序"

    def __str__(self) -> str:
        return self.name


class Bundle(VersionedModel):
    """一件事: several items handled as one (一个窗口、一套材料、一张表单、一个流程、一个平台)."""

    slug = models.SlugField("标识", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    audience = models.CharField("面向", max_length=20, choices=Audience.choices, default=Audience.CITIZEN)
    theme = models.CharField("主题", max_length=40, blank=True)
    icon = models.CharField("图标", max_length=40, default="bi-collection", help_text="bootstrap-icons 名称")
    description = models.TextField("说明", blank=True)
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_bundles"
    )
    is_published = models.BooleanField("对外公开", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    items = models.ManyToManyField(ServiceItem, through="BundleItem", related_name="bundles", verbose_name="事项")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "lead_unit"

    class Meta:
        ordering = ["audience", "sort_order", "slug"]
        verbose_name = "一件事"
        verbose_name_plural = "一件事"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:bundle_detail", args=[self.slug])

    def get_public_url(self) -> str:
        return reverse("portal:bundle", args=[self.slug])


class BundleItem(models.Model):
    """A node of a bundle's stage graph: an item and the items that must finish before it starts.
    Items with no path between them run in parallel (并联审批)."""

    bundle = models.ForeignKey(Bundle, verbose_name="一件事", on_delete=models.CASCADE, related_name="nodes")
    item = models.ForeignKey(ServiceItem, verbose_name="事项", on_delete=models.PROTECT, related_name="bundle_nodes")
    predecessors = models.ManyToManyField(
        "self", verbose_name="前置事项", symmetrical=False, blank=True, related_name="successors"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "bundle__lead_unit"

    class Meta:
        ordering = ["bundle", "sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="catalog_bundle_item_once")]
        verbose_name = "一件事环节"
        verbose_name_plural = "一件事环节"

    def __str__(self) -> str:
        return f"{self.bundle} · {self.item}"


class Delegation(VersionedModel):
    """县镇同权: a county item handled at a township centre (委托下发 / 窗口前移)."""

    item = models.ForeignKey(ServiceItem, verbose_name="事项", on_delete=models.PROTECT, related_name="delegations")
    township = models.ForeignKey("org.Unit", verbose_name="乡镇", on_delete=models.PROTECT, related_name="delegations")
    mode = models.CharField("下放方式", max_length=20, choices=DelegationMode.choices, default=DelegationMode.ENTRUSTED)
    basis = models.CharField("下放依据", max_length=300, blank=True)
    delegated_on = models.DateField("下放日期")
    is_revoked = models.BooleanField("已撤销", default=False)
    revoked_on = models.DateField("撤销日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "township"

    class Meta:
        ordering = ["township__path", "item__implementation_code"]
        constraints = [models.UniqueConstraint(fields=["item", "township"], name="catalog_delegation_once")]
        verbose_name = "事项下放"
        verbose_name_plural = "事项下放"

    def __str__(self) -> str:
        return f"{self.item} → {self.township}"


class TownshipListEntry(TimeStampedModel):
    """One line of the provincial township list (e.g. the 154-item list): an item a township must handle."""

    list_name = models.CharField("清单名称", max_length=100)
    basic_code = models.CharField("基本编码", max_length=60)
    name = models.CharField("事项名称", max_length=200)
    level = models.CharField("层级", max_length=20, choices=ItemLevel.choices, default=ItemLevel.TOWNSHIP)
    sort_order = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        ordering = ["list_name", "sort_order", "basic_code"]
        constraints = [models.UniqueConstraint(fields=["list_name", "basic_code"], name="catalog_township_list_once")]
        verbose_name = "乡镇事项清单条目"
        verbose_name_plural = "乡镇事项清单条目"

    def __str__(self) -> str:
        return f"{self.sort_order}. {self.name}"


class Intermediary(VersionedModel):
    """中介机构 serving applicants; 备案 with the centre; 在册 / 限期整改 / 清退."""

    name = models.CharField("机构名称", max_length=200)
    credit_code = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_credit_code]
    )
    legal_representative = models.CharField("法定代表人", max_length=40, blank=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    service_scope = models.CharField("服务范围", max_length=300, blank=True)
    supervising_unit = models.ForeignKey(
        "org.Unit", verbose_name="备案管理单位", on_delete=models.PROTECT, related_name="intermediaries"
    )
    status = models.CharField("状态", max_length=20, choices=IntermediaryStatus.choices, default=IntermediaryStatus.REGISTERED)
    status_reason = models.CharField("状态说明", max_length=300, blank=True)
    rectify_deadline = models.DateField("整改期限", null=True, blank=True)
    services = models.ManyToManyField(
        "IntermediaryService", verbose_name="提供的中介服务", blank=True, related_name="agencies"
    )

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "supervising_unit"

    class Meta:
        ordering = ["name"]
        verbose_name = "中介机构"
        verbose_name_plural = "中介机构"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:intermediary_detail", args=[self.pk])


class IntermediaryService(TimeStampedModel):
    """A service an item needs from an intermediary (测绘, 消防检测, 环评 …)."""

    item = models.ForeignKey(ServiceItem, verbose_name="事项", on_delete=models.CASCADE, related_name="intermediary_services")
    name = models.CharField("中介服务名称", max_length=200)
    basis = models.CharField("设定依据", max_length=300, blank=True)
    is_statutory = models.BooleanField("法定中介服务", default=True)
    is_published = models.BooleanField("对外公开", default=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "item__implementing_unit"

    class Meta:
        ordering = ["item__implementation_code", "name"]
        constraints = [models.UniqueConstraint(fields=["item", "name"], name="catalog_intermediary_service_once")]
        verbose_name = "中介服务事项"
        verbose_name_plural = "中介服务事项"

    def __str__(self) -> str:
        return self.name


class Qualification(TimeStampedModel):
    intermediary = models.ForeignKey(Intermediary, verbose_name="中介机构", on_delete=models.CASCADE, related_name="qualifications")
    name = models.CharField("资质名称", max_length=200)
    number = models.CharField("证书编号", max_length=100)
    issuer = models.CharField("发证机关", max_length=100, blank=True)
    expires_on = models.DateField("有效期至")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "intermediary__supervising_unit"

    class Meta:
        ordering = ["expires_on"]
        verbose_name = "资质"
        verbose_name_plural = "资质"

    def __str__(self) -> str:
        return f"{self.name}（{self.number}）"


def filing_upload_to(instance: FilingDocument, filename: str) -> str:
    """A generated name: the user's file name (of any length) is kept in `original_name` only."""
    from tongban.core.uploads import stored_name

    return f"catalog/filings/{instance.intermediary_id}/{stored_name(filename)}"


class FilingDocument(TimeStampedModel):
    """备案材料: stored under MEDIA_ROOT (outside the web root), served only to staff in scope."""

    intermediary = models.ForeignKey(Intermediary, verbose_name="中介机构", on_delete=models.CASCADE, related_name="filings")
    title = models.CharField("材料名称", max_length=200)
    file = models.FileField("文件", upload_to=filing_upload_to, max_length=300)
    original_name = models.CharField("原文件名", max_length=200)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "intermediary__supervising_unit"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "备案材料"
        verbose_name_plural = "备案材料"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:filing_download", args=[self.pk])


class NegativeListEntry(VersionedModel):
    """负面清单: a 三集中三到位 gap of a unit, computed from the catalogue or entered by hand,
    each with its own rectification deadline."""

    unit = models.ForeignKey("org.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="negative_entries")
    item = models.ForeignKey(
        ServiceItem, verbose_name="事项", null=True, blank=True, on_delete=models.CASCADE, related_name="negative_entries"
    )
    reason = models.CharField("问题类型", max_length=30, choices=NegativeReason.choices)
    source = models.CharField("来源", max_length=20, choices=NegativeSource.choices, default=NegativeSource.MANUAL)
    description = models.CharField("情况说明", max_length=300, blank=True)
    rectify_deadline = models.DateField("整改期限")
    is_resolved = models.BooleanField("已整改", default=False)
    resolved_on = models.DateField("整改完成日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["unit__path", "rectify_deadline", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "reason"], condition=models.Q(source="computed"), name="catalog_negative_computed_once"
            )
        ]
        verbose_name = "负面清单条目"
        verbose_name_plural = "负面清单条目"

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_reason_display()}"


class SearchSynonym(TimeStampedModel):
    """Words people search with that item names do not contain: 餐饮 → 饭店、食品经营. Kept as data and edited
    in 系统管理 (the demo seeds a few); `catalog.search.expand_terms` reads them on every search."""

    term = models.CharField("搜索词", max_length=40, unique=True, help_text="群众输入的词，如：餐饮")
    synonyms = models.CharField("同义词", max_length=300, help_text="事项名称中的写法，用顿号分隔，如：饭店、食品经营")

    class Meta:
        ordering = ["term"]
        verbose_name = "搜索同义词"
        verbose_name_plural = "搜索同义词"

    def __str__(self) -> str:
        return f"{self.term} → {self.synonyms}"
