"""Stable error codes of supervision, with the one Chinese message every surface shows."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from tongban.core.error_codes import service_error


class SupervisionError(models.TextChoices):
    NOT_RESPONSIBLE = "urge_not_responsible", "只有责任部门“{unit}”的人员或其负责人才能答复这张督办单。"
    REPLY_REQUIRED = "urge_reply_required", "请填写答复内容：已做了什么、还要做什么、何时办结。"
    ALREADY_REPLIED = "urge_already_replied", "这张督办单已于 {on} 答复，不能重复答复。"
    BAD_DATE = "supervision_bad_date", "日期“{value}”无效，请按 2026-11-30 的格式填写。"


def supervision_error(code: SupervisionError, **params) -> ValidationError:
    return service_error(code, **params)
