from django.db import models


class SignedKind(models.TextChoices):
    """The documents an applicant signs at the counter (the first two are cases' notices)."""

    ACCEPTANCE = "acceptance", "受理通知书"
    PENDING_PROMISE = "pending_promise", "容缺受理承诺书"
    RECEIPT = "receipt", "出件回执"


class PackageStatus(models.TextChoices):
    UNVERIFIED = "unverified", "未校验"
    INTACT = "intact", "完整"
    DAMAGED = "damaged", "已损坏"


PACKAGE_STATUS_COLORS = {"unverified": "secondary", "intact": "success", "damaged": "danger"}
