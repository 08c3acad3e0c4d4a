"""Stable error codes of the working-day calendar, with the one Chinese message UI, API and CLI all show.

The range error is shared with every app (`tongban.core.error_codes.ErrorCode.CALENDAR_RANGE`).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError

from django.db import models

from tongban.core.error_codes import service_error


class CalendarError(models.TextChoices):
    NO_ROWS = "no_rows", "文件中没有任何日期行。"
    BAD_HEADER = "bad_header", "缺少“{title}”列。表头应为：日期、类型、名称（或 date、kind、name）。"
    UNREADABLE = "unreadable", "无法读取文件：{reason}"
    DATE_REQUIRED = "date_required", "日期不能为空。"
    DATE_INVALID = "date_invalid", "“{value}”不是有效日期，应写作 2027-01-01 这样的格式。"
    DATE_IMPOSSIBLE = "date_impossible", "日期“{value}”不存在。"
    DATE_OUT_OF_RANGE = "date_out_of_range", "日期 {value} 超出工作日历可计算范围（{low}—{high}）。"
    DATE_DUPLICATE = "date_duplicate", "日期 {value} 与第 {first_row} 行重复。"
    KIND_REQUIRED = "kind_required", "类型不能为空，可填：工作日、休息日、法定节假日、调休上班。"
    KIND_UNKNOWN = "kind_unknown", "类型“{value}”无法识别，可填：工作日、休息日、节假日、法定节假日、调休、调休上班。"
    NAME_TOO_LONG = "name_too_long", "名称过长（{length} 字），最多 {limit} 字。"
    NEGATIVE_DAYS = "negative_days", "工作日数不能为负数：{n}。"
    SUSPENSION_ORDER = "suspension_order", "挂起期间的结束日 {last} 早于开始日 {first}。"


def calendar_error(code: CalendarError, **params) -> ValidationError:
    """A ValidationError carrying a stable code and the formatted Chinese message."""
    return service_error(CalendarError(code), **params)
