"""Stable error codes of 电子签名 and 电子档案, with the one Chinese message every surface shows."""
from __future__ import annotations

from django.db import models

from tongban.core.error_codes import service_error


class ArchiveError(models.TextChoices):
    NOT_SIGNABLE = "archive_not_signable", "该办件还没有“{title}”，不能签名。"
    ALREADY_SIGNED = "archive_already_signed", "申请人已在{at}签署“{title}”，不能重复签名。"
    SIGNATURE_MISSING = "archive_signature_missing", "请申请人在签名框内签名后再确认。"
    SIGNATURE_FORMAT = "archive_signature_format", "签名图片格式不正确（须为 PNG 图片）。"
    SIGNATURE_TOO_LARGE = "archive_signature_too_large", "签名图片过大（{size} KB，上限 {limit} KB），请清除后重新签名。"
    SIGNATURE_DIMENSIONS = "archive_signature_dimensions", "签名图片尺寸不正确（{width}×{height}，应在 {low}—{high} 像素之间）。"
    SIGNATURE_BLANK = "archive_signature_blank", "签名框是空的：请申请人签名后再确认。"
    SIGNER_REQUIRED = "archive_signer_required", "请填写签名人姓名。"
    NOT_CLOSED = "archive_not_closed", "办件尚未办结（当前为“{status}”），不能归档。"
    PACKAGE_UNREADABLE = "archive_package_unreadable", "无法读取归档包：{why}。"
    PACKAGE_TOO_LARGE = "archive_package_too_large", "归档包解压后 {size} MB，超过上限 {limit} MB，未校验。"
    PACKAGE_TOO_MANY = "archive_package_too_many", "归档包有 {count} 个文件，超过上限 {limit} 个，未校验。"
    EXPORT_RANGE = "archive_export_range", "起始日期不能晚于截止日期。"


def archive_error(code: ArchiveError, **params):
    return service_error(code, **params)
