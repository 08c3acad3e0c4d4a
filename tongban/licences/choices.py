"""Licence states and holders: English codes, Chinese labels, badge colours."""
from __future__ import annotations

from django.db import models


class LicenceStatus(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRED = "expired", "已过期"
    REVOKED = "revoked", "已注销"
    REPLACED = "replaced", "已换发"


STATUS_BADGE = {LicenceStatus.VALID: "success", LicenceStatus.EXPIRED: "secondary",
                LicenceStatus.REVOKED: "danger", LicenceStatus.REPLACED: "warning"}


class HolderKind(models.TextChoices):
    PERSON = "person", "自然人"
    ORGANISATION = "organisation", "法人或其他组织"


class LicenceSource(models.TextChoices):
    ISSUED = "issued", "本中心办件出证"
    IMPORTED = "imported", "外部导入"
