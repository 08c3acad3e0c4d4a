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
    UPLOAD_EMPTY = "upload_empty", "文件“{name}”是空的（0 字节），请重新选择文件。"
    UPLOAD_CONTENT = "upload_content", "文件内容与扩展名“{ext}”不符，请上传真实的 {ext} 文件。"
    FILE_TYPE = "file_type", "不支持的文件类型“{ext}”，请上传 {allowed} 文件。"
    UPLOAD_CONTAINER = "upload_container", "文件“{name}”的内容不是 {ext} 文件（{found}），请上传真实的 {ext} 文件。"
    SPREADSHEET_NOT_WORKBOOK = "spreadsheet_not_workbook", "文件“{name}”不是表格文件：请上传用 Excel 或 WPS 保存的 .xlsx、.xls、.et 或 .ods 文件。"
    SPREADSHEET_HTML = "spreadsheet_html", "文件“{name}”其实是网页（HTML），不是表格文件：请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"
    SPREADSHEET_ENCRYPTED = "spreadsheet_encrypted", "文件“{name}”设置了打开密码，无法读取：请在 Excel 或 WPS 中取消密码后另存再上传。"
    SPREADSHEET_UNREADABLE = "spreadsheet_unreadable", "无法读取表格文件“{name}”：{reason}。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"
    SPREADSHEET_UNPACKED = "spreadsheet_unpacked", "表格文件“{name}”解压后约 {size_mb} MB，超过上限 {limit_mb} MB（文件中可能有大量空白或隐藏内容）：请删除多余的行、列和空格后另存再上传。"
    SPREADSHEET_ROWS = "spreadsheet_rows", "表格文件“{name}”的工作表“{sheet}”用到了第 {rows} 行，超过上限 {limit} 行：请删除下方多余的行后另存再上传。"
    SPREADSHEET_COLUMNS = "spreadsheet_columns", "表格文件“{name}”的工作表“{sheet}”用到了第 {columns} 列（{letter} 列），超过上限 {limit} 列：请删除右侧多余的列（可能只是一个空格）后另存再上传。"
    SPREADSHEET_CELLS = "spreadsheet_cells", "表格文件“{name}”的工作表“{sheet}”用到了 {rows} 行 × {columns} 列，超过上限 {limit} 个单元格：请删除多余的行列后另存再上传。"
    SPREADSHEET_CELL_TEXT = "spreadsheet_cell_text", "表格文件“{name}”的工作表“{sheet}”中有单元格超过 {limit} 个字符（Excel 单元格的上限），无法导入。"
    ALIAS_TAKEN = "alias_taken", "{problem}。"
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
