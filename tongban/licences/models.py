"""电子证照: the licences the centre issues (a case's approved result) or imports, and which licence stood in
for which material of a case (免提交)."""
from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse

from tongban.core.models import PolicySettingsModel, TimeStampedModel
from tongban.licences.choices import HolderKind, LicenceSource, LicenceStatus
from tongban.org.scopes import ScopedQuerySet


def new_verify_token() -> str:
    return secrets.token_urlsafe(16)


class LicenceSettings(PolicySettingsModel):
    expiry_reminder_days = models.PositiveSmallIntegerField(
        "到期提醒提前天数", default=30,
        help_text="证照有效期届满前多少天提醒持证人（在其办件中）和发证单位办理延续 [local：参照《行政许可法》第五十条"
                  "“有效期届满三十日前提出申请”]")
    default_validity_years = models.PositiveSmallIntegerField(
        "默认有效期（年）", default=5,
        help_text="事项未规定有效期时，本中心出证的默认有效期；0 表示长期有效 [local]")

    class Meta:
        verbose_name = "电子证照设置"
        verbose_name_plural = "电子证照设置"

    def __str__(self) -> str:
        return "电子证照设置"


class Licence(TimeStampedModel):
    number = models.CharField("证照编号", max_length=80, unique=True)
    kind = models.ForeignKey("catalog.MaterialIdentity", verbose_name="证照类型", on_delete=models.PROTECT,
                             related_name="licences", help_text="目录中事项的“结果对应材料”")
    title = models.CharField("证照名称", max_length=200)
    holder_kind = models.CharField("持证主体类型", max_length=20, choices=HolderKind.choices)
    holder_name = models.CharField("持证主体", max_length=200)
    holder_id = models.CharField("证件号码 / 统一社会信用代码", max_length=40, db_index=True)
    unit = models.ForeignKey("org.Unit", verbose_name="发证单位", on_delete=models.PROTECT, related_name="licences",
                             help_text="本县的发证单位；外部导入的证照为导入人的单位")
    issuer_name = models.CharField("发证机关", max_length=200)
    issued_on = models.DateField("发证日期")
    valid_from = models.DateField("有效期自")
    valid_until = models.DateField("有效期至", null=True, blank=True, db_index=True, help_text="空为长期有效")
    status = models.CharField("状态", max_length=20, choices=LicenceStatus.choices, default=LicenceStatus.VALID)
    source = models.CharField("来源", max_length=20, choices=LicenceSource.choices, default=LicenceSource.ISSUED)
    case = models.ForeignKey("cases.Case", verbose_name="办件", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="licences")
    task = models.OneToOneField("cases.CaseTask", verbose_name="子办件", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="licence")
    replaced_by = models.ForeignKey("self", verbose_name="换发为", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="replaces")
    status_reason = models.CharField("注销 / 换发理由", max_length=300, blank=True)
    document = models.FileField("证照文件（签章 PDF）", upload_to="licences/", blank=True)
    verify_token = models.CharField("核验码", max_length=40, unique=True, default=new_verify_token, editable=False)
    reminded_for = models.DateField("已提醒到期日", null=True, blank=True, editable=False,
                                    help_text="到期提醒针对的有效期：同一有效期只提醒一次")

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit"

    class Meta:
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["holder_id", "status"], name="licences_holder_status"),
                   models.Index(fields=["status", "valid_until"], name="licences_status_until")]
        verbose_name = "电子证照"
        verbose_name_plural = "电子证照"

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"

    def get_absolute_url(self) -> str:
        return reverse("licences:detail", args=[self.pk])

    def get_verify_url(self) -> str:
        return reverse("licences:verify", args=[self.verify_token])


class LicenceUse(models.Model):
    """免提交: this licence stood in for this material of this case (chosen by the clerk at intake)."""

    case = models.ForeignKey("cases.Case", verbose_name="办件", on_delete=models.CASCADE, related_name="licence_uses")
    material = models.OneToOneField("cases.CaseMaterial", verbose_name="材料", on_delete=models.CASCADE,
                                    related_name="licence_use")
    licence = models.ForeignKey(Licence, verbose_name="电子证照", on_delete=models.PROTECT, related_name="uses")
    used_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    used_at = models.DateTimeField("调用时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "case__intake_unit"

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = "电子证照调用"
        verbose_name_plural = "电子证照调用"

    def __str__(self) -> str:
        return f"{self.case_id} {self.material} ← {self.licence.number}"


class SealedDocument(TimeStampedModel):
    """A notice, decision or licence rendered as PDF and sealed (PAdES): what was sealed and its file."""

    case = models.ForeignKey("cases.Case", verbose_name="办件", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="sealed_documents")
    licence = models.ForeignKey(Licence, verbose_name="电子证照", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="sealed_documents")
    kind = models.CharField("文书", max_length=40)
    title = models.CharField("标题", max_length=200)
    file = models.FileField("签章 PDF", upload_to="sealed/")
    sha256 = models.CharField("SHA-256", max_length=64)
    signer = models.CharField("签章人", max_length=200)
    sealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "签章文书"
        verbose_name_plural = "签章文书"

    def __str__(self) -> str:
        return self.title


class SealRequest(TimeStampedModel):
    """待签章: a document the decision asks to be sealed — the licence it issued, the 行政许可决定书 — done by the
    worker after the decision's commit (`services.seal_pending`), so the approval stays fast and a seal that
    fails (no certificate, LibreOffice down) is tried again later instead of undoing the approval. One row per
    document (`key`); `sealed_at` set once sealed, by the worker or by hand."""

    key = models.CharField("文书标识", max_length=80, unique=True, help_text="licence:<证照 id> 或 notice:<办件 id>:<文书>")
    kind = models.CharField("文书", max_length=40)
    case = models.ForeignKey("cases.Case", verbose_name="办件", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="seal_requests")
    licence = models.ForeignKey(Licence, verbose_name="电子证照", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="seal_requests")
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True, help_text="空为已签章")
    leased_until = models.DateTimeField("签章中（至）", null=True, blank=True,
                                        help_text="后台任务正在签章时的租期；期内不再领取（含 seal-pending 命令）")
    problem = models.CharField("上次失败原因", max_length=300, blank=True)
    sealed_at = models.DateTimeField("签章时间", null=True, blank=True)
    document = models.ForeignKey(SealedDocument, verbose_name="签章文书", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["next_attempt_at"], name="licences_sealreq_due")]
        verbose_name = "待签章文书"
        verbose_name_plural = "待签章文书"

    def __str__(self) -> str:
        return self.key

    @staticmethod
    def key_for(kind: str, *, case=None, licence=None) -> str:
        if kind == "licence":
            return f"licence:{licence.pk}" if licence is not None else ""
        return f"notice:{case.pk}:{kind}" if case is not None else ""

    def get_title(self) -> str:
        if self.kind == "licence":
            return f"电子证照 {self.licence.number}" if self.licence_id else "电子证照"
        from tongban.cases.notices import NOTICES

        notice = NOTICES.get(self.kind)
        return notice.title if notice else self.kind
