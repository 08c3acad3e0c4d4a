"""Stable error codes of the catalogue, with the one Chinese message UI, API and CLI all show."""
from __future__ import annotations

from django.core.exceptions import ValidationError

from django.db import models

from tongban.core.error_codes import service_error


class CatalogError(models.TextChoices):
    BUNDLE_CYCLE = "bundle_cycle", "一件事“{bundle}”的办理顺序出现循环：{path}。请调整前置事项。"
    BUNDLE_SELF_PREDECESSOR = "bundle_self_predecessor", "事项“{item}”不能作为它自己的前置事项。"
    BUNDLE_FOREIGN_PREDECESSOR = "bundle_foreign_predecessor", "前置事项“{item}”不属于一件事“{bundle}”。"
    BUNDLE_UNKNOWN = "bundle_unknown", "没有标识为“{slug}”的一件事。"
    CREDIT_CODE_FORMAT = "credit_code_format", "统一社会信用代码“{value}”格式不正确：应为 18 位数字或大写字母（不含 I、O、Z、S、V）。"
    CREDIT_CODE_CHECK = "credit_code_check", "统一社会信用代码“{value}”校验码错误（应为 {expected}），请核对。"
    NOT_A_TOWNSHIP = "not_a_township", "“{unit}”不是乡镇便民服务中心，不能下放事项。"
    NO_TOWNSHIPS = "no_townships", "没有可下放的乡镇便民服务中心。"
    DELEGATION_REVOKED = "delegation_revoked", "该下放记录已撤销。"
    STATUS_UNCHANGED = "status_unchanged", "中介机构“{name}”已是“{status}”状态。"
    RECTIFY_DEADLINE_REQUIRED = "rectify_deadline_required", "限期整改必须填写整改期限。"
    REASON_REQUIRED = "reason_required", "请填写原因。"
    NEGATIVE_UNIT_REQUIRED = "negative_unit_required", "负面清单条目必须指定单位。"


def catalog_error(code: CatalogError, **params) -> ValidationError:
    """A ValidationError carrying a stable code and the formatted Chinese message."""
    return service_error(CatalogError(code), **params)
