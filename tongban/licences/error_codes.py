"""Stable error codes of electronic licences and sealed documents, with the one Chinese message every surface shows."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from tongban.core.error_codes import service_error


class LicenceError(models.TextChoices):
    OTHER_HOLDER = "licence_other_holder", "电子证照“{number}”的持证主体不是本办件的申请人，不能使用。"
    NOT_VALID = "licence_not_valid", "电子证照“{number}”当前为“{status}”，不能代替纸质材料。"
    WRONG_KIND = "licence_wrong_kind", "电子证照“{number}”是“{kind}”，不能代替材料“{material}”。"
    NOT_ACCEPTED = "licence_not_accepted", "材料“{material}”不接受电子证照代替。"
    CASE_CLOSED = "licence_case_closed", "办件当前为“{status}”，只能在受理前调用电子证照。"
    ALREADY_REVOKED = "licence_already_revoked", "电子证照“{number}”当前为“{status}”，不能注销。"
    REASON_REQUIRED = "licence_reason_required", "请填写注销理由。"
    SEAL_NOT_CONFIGURED = "licence_seal_not_configured", "未配置电子印章证书（TONGBAN_SEAL_CERT），无法生成签章文件。"
    SEAL_UNREADABLE = "licence_seal_unreadable", "电子印章证书无法读取：{reason}"
    PDF_UNREADABLE = "licence_pdf_unreadable", "无法读取该 PDF 文件：文件已损坏或不是有效的 PDF 文件。"
    CONVERT_FAILED = "licence_convert_failed", "文书转换为 PDF 失败：{reason}"
    IMPORT_ROWS = "licence_import_rows", "文件有 {count} 行错误，未导入任何证照。"


def licence_error(code: LicenceError, **params) -> ValidationError:
    return service_error(code, **params)
