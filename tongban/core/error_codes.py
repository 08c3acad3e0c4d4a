"""Stable error codes with the one Chinese message the UI, the API and the CLI all show.

Services raise `service_error(ErrorCode.X, **params)`; the message template is formatted with params.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class ErrorCode(models.TextChoices):
    STALE_VERSION = "stale_version", "该记录已被他人修改（当前版本 {current}，您编辑的是版本 {expected}），请刷新后重试，您的修改未保存。"
    NOT_PERMITTED = "not_permitted", "您没有权限执行此操作。"
    UNIT_CYCLE = "unit_cycle", "不能把单位“{unit}”移动到它自己或它的下级单位之下。"
    IMPORT_FAILED = "import_failed", "导入失败，共 {count} 处错误，数据库未做任何修改。"
    FILE_TOO_LARGE = "file_too_large", "文件过大：{size_mb} MB，上限为 {limit_mb} MB。"
    UPLOAD_EMPTY = "upload_empty", "上传的文件是空的。"
    UPLOAD_CONTENT = "upload_content", "文件内容与扩展名“{ext}”不符，请上传真实的 {ext} 文件。"
    FILE_TYPE = "file_type", "不支持的文件类型“{ext}”，请上传 {allowed} 文件。"
    CALENDAR_RANGE = "calendar_range", "日期 {date} 超出工作日历可计算范围（{low}—{high}）。"
    JOB_UNKNOWN = "job_unknown", "没有名为“{name}”的任务或任务组。"


def message_for(code: models.TextChoices, **params) -> str:
    return code.label.format(**params)


def service_error(code: models.TextChoices, **params) -> ValidationError:
    """A ValidationError carrying a stable code and its Chinese message, formatted here.

    `code` is a member of any app's error-code choices. The params are already in the message and are
    deliberately not passed on: Django would %-format the message again, and a value a user typed
    ("减少 50%") would then break `.messages` with an exception."""
    return ValidationError(message_for(code, **params), code=code.value)
