"""电子签名 and 电子档案.

    Case ─┬─ Signature       the applicant's signature on one document (image + the exact signed .docx, hashed)
          └─ ArchivePackage  the closed case packed as one zip: metadata.xml, documents, manifest (SHA-256)

Files live under MEDIA_ROOT/archives/ with generated names; a row keeps the SHA-256 of what it points to.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from tongban.archives.choices import PackageStatus, SignedKind
from tongban.core.models import PolicySettingsModel, TimeStampedModel

RETENTION_SOURCE = ("《机关文件材料归档范围和文书档案保管期限规定》（国家档案局令第8号）的期限档次为永久、定期30年、定期10年；"
                    "按事项类型的对应是本地约定 [local]，由档案部门确认后修改")


class ArchiveSettings(PolicySettingsModel):
    """Retention per item type (years; 0 = 永久) and the limits of a package to verify (one row)."""

    licensing_years = models.PositiveSmallIntegerField("行政许可办件保管期限（年）", default=30, help_text=RETENTION_SOURCE)
    confirmation_years = models.PositiveSmallIntegerField("行政确认办件保管期限（年）", default=30, help_text=RETENTION_SOURCE)
    adjudication_years = models.PositiveSmallIntegerField("行政裁决办件保管期限（年）", default=0,
                                                          help_text="0 表示永久。" + RETENTION_SOURCE)
    payment_years = models.PositiveSmallIntegerField("行政给付办件保管期限（年）", default=10, help_text=RETENTION_SOURCE)
    reward_years = models.PositiveSmallIntegerField("行政奖励办件保管期限（年）", default=10, help_text=RETENTION_SOURCE)
    filing_years = models.PositiveSmallIntegerField("行政备案办件保管期限（年）", default=10, help_text=RETENTION_SOURCE)
    other_power_years = models.PositiveSmallIntegerField("其他行政权力办件保管期限（年）", default=10, help_text=RETENTION_SOURCE)
    public_service_years = models.PositiveSmallIntegerField("公共服务办件保管期限（年）", default=10, help_text=RETENTION_SOURCE)
    max_unpacked_mb = models.PositiveIntegerField(
        "校验时归档包解压后上限（MB）", default=500,
        help_text="上传校验的归档包解压后超过此大小即拒绝，不再读取 [local]")
    max_files = models.PositiveIntegerField("校验时归档包文件数上限", default=5000, help_text="[local]")
    daily_pack_limit = models.PositiveIntegerField(
        "每日任务最多打包（件）", default=2000,
        help_text="每件约 0.5 秒；首次运行时已办结的旧办件分几天打完，不占满任务进程 [local]")

    class Meta:
        verbose_name = "电子档案设置"
        verbose_name_plural = "电子档案设置"

    def __str__(self) -> str:
        return "电子档案设置"

    def years_for(self, item_type: str) -> int:
        return getattr(self, f"{item_type}_years", self.other_power_years)


class Signature(TimeStampedModel):
    """The applicant's signature on one document of a case, once per document. `document` is the exact .docx
    the applicant signed (the notice with the signature in it); `document_sha256` is its hash."""

    case = models.ForeignKey("cases.Case", verbose_name="办件", on_delete=models.CASCADE, related_name="signatures")
    kind = models.CharField("文书", max_length=20, choices=SignedKind.choices)
    signer_name = models.CharField("签名人", max_length=60)
    image = models.FileField("签名图片", upload_to="archives/signatures/", max_length=200)
    image_sha256 = models.CharField("签名图片 SHA-256", max_length=64)
    document = models.FileField("签名后的文书", upload_to="archives/signed/", max_length=200)
    document_sha256 = models.CharField("文书 SHA-256", max_length=64)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    signed_at = models.DateTimeField("签名时间")

    class Meta:
        ordering = ["case", "signed_at"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="archives_signature_once")]
        verbose_name = "电子签名"
        verbose_name_plural = "电子签名"

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"


class PackageQuerySet(models.QuerySet):
    def visible_to(self, user) -> PackageQuerySet:
        """A package is seen by whoever sees its case (the cases' scope, one subquery)."""
        from tongban.cases.models import Case

        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))


class ArchivePackage(TimeStampedModel):
    """归档信息包: one per closed case, a zip under MEDIA_ROOT (`path`), verified against its own manifest."""

    case = models.OneToOneField("cases.Case", verbose_name="办件", on_delete=models.PROTECT,
                                related_name="archive_package")
    path = models.CharField("文件", max_length=200)
    sha256 = models.CharField("归档包 SHA-256", max_length=64)
    size = models.PositiveBigIntegerField("大小（字节）")
    file_count = models.PositiveIntegerField("文件数")
    packed_at = models.DateTimeField("归档时间")
    closed_on = models.DateField("办结日期", db_index=True)
    retention_years = models.PositiveSmallIntegerField("保管期限（年，0 为永久）")
    retain_until = models.DateField("保管到期", null=True, blank=True)
    status = models.CharField("校验状态", max_length=12, choices=PackageStatus.choices, default=PackageStatus.UNVERIFIED)
    verified_at = models.DateTimeField("最近校验", null=True, blank=True)
    verify_message = models.CharField("校验结果", max_length=500, blank=True)

    objects = PackageQuerySet.as_manager()

    class Meta:
        ordering = ["-closed_on", "-pk"]
        indexes = [models.Index(fields=["status", "closed_on"], name="archives_pkg_status")]
        constraints = [models.CheckConstraint(condition=~Q(path=""), name="archives_pkg_path")]
        verbose_name = "归档信息包"
        verbose_name_plural = "归档信息包"

    def __str__(self) -> str:
        return f"{self.case_id} 归档信息包"

    @property
    def retention_label(self) -> str:
        return "永久" if not self.retention_years else f"{self.retention_years} 年"
