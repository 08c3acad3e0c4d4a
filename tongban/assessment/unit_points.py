"""大抓积分 import (000 §二(二)): the county units' 放管服效 indicators (from the province and city: weight,
target) and their monthly completion, from one workbook. All-or-nothing with sheet and row numbers;
re-importing the same file changes nothing.

Sheet 指标: 年度 | 编码 | 指标名称 | 来源 | 责任单位 | 权重 | 目标
Sheet 得分: 编码 | 月份 (2026-01) | 完成度 (0–100)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.assessment.models import UnitIndicator, UnitIndicatorScore
from tongban.history.services import record_event


@dataclass
class Parsed:
    indicators: list[dict] = field(default_factory=list)
    scores: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _units() -> dict[str, int]:
    from tongban.org.models import Unit, UnitAlias

    names = {}
    for pk, code, name, short in Unit.objects.values_list("pk", "code", "name", "short_name"):
        names[code] = names[name] = pk
        if short:
            names[short] = pk
    names.update(dict(UnitAlias.objects.values_list("name", "unit_id")))
    return names


def _num(value, where, errors, low=None, high=None):
    try:
        number = Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError):
        errors.append(f"{where}：“{value}”不是数字。")
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        errors.append(f"{where}：须在 {low} 到 {high} 之间。")
    return number


def parse(source, name: str) -> Parsed:
    from tongban.core.spreadsheets import read_workbook

    parsed = Parsed()
    errors = parsed.errors
    sheets = {s.name: s for s in read_workbook(source, name=name)}
    if "指标" not in sheets:
        errors.append("工作簿须有“指标”工作表（可下载模板）。")
        return parsed
    units = _units()
    codes = {}
    for number, row in enumerate(sheets["指标"].rows, start=1):
        if number == 1 or not any(v not in (None, "") for v in row):
            continue
        row = list(row) + [None] * (7 - len(row))
        where = f"工作表“指标”第 {number} 行"
        year = _num(row[0], f"{where}（年度）", errors, 2000, 2100)
        code = str(row[1] or "").strip()
        if not code:
            errors.append(f"{where}（编码）：不能为空。")
        elif code in codes:
            errors.append(f"{where}（编码）：“{code}”重复（第 {codes[code]} 行）。")
        codes[code] = number
        unit = units.get(str(row[4] or "").strip())
        if unit is None:
            errors.append(f"{where}（责任单位）：找不到单位“{row[4] or ''}”。")
        if not str(row[2] or "").strip():
            errors.append(f"{where}（指标名称）：不能为空。")
        parsed.indicators.append({"year": int(year or 0), "code": code, "name": str(row[2] or "").strip()[:200],
                                  "origin": str(row[3] or "").strip()[:40], "unit_id": unit,
                                  "weight": _num(row[5], f"{where}（权重）", errors, 0, 1000),
                                  "target": str(row[6] or "").strip()[:200]})
    years = {i["code"]: i["year"] for i in parsed.indicators}
    for number, row in enumerate(sheets["得分"].rows if "得分" in sheets else [], start=1):
        if number == 1 or not any(v not in (None, "") for v in row):
            continue
        row = list(row) + [None] * (3 - len(row))
        where = f"工作表“得分”第 {number} 行"
        code = str(row[0] or "").strip()
        if code not in years:
            errors.append(f"{where}（编码）：“{code}”不在“指标”工作表中。")
        try:
            if isinstance(row[1], date):
                month = row[1].replace(day=1)
            else:
                y, m = (int(p) for p in str(row[1]).strip().split("-")[:2])
                month = date(y, m, 1)
            if code in years and month.year != years[code]:
                errors.append(f"{where}（月份）：不在该指标的年度 {years[code]} 内。")
        except (ValueError, TypeError):
            errors.append(f"{where}（月份）：“{row[1]}”不是月份，请写成 2026-01。")
            month = None
        parsed.scores.append({"code": code, "month": month,
                              "completion": _num(row[2], f"{where}（完成度）", errors, 0, 100)})
    return parsed


@transaction.atomic
def apply(parsed: Parsed, *, by) -> dict:
    if parsed.errors:
        raise ValidationError(parsed.errors, code="unit_points_invalid")
    created = updated = scores = 0
    ids = {}
    for row in parsed.indicators:
        obj, made = UnitIndicator.objects.get_or_create(year=row["year"], code=row["code"], defaults=row)
        if not made and any(getattr(obj, k) != v for k, v in row.items()):
            for k, v in row.items():
                setattr(obj, k, v)
            obj.save()
            updated += 1
        created += made
        ids[row["code"]] = obj
    for row in parsed.scores:
        obj, made = UnitIndicatorScore.objects.get_or_create(indicator=ids[row["code"]], month=row["month"],
                                                             defaults={"completion": row["completion"]})
        if made or obj.completion != row["completion"]:
            obj.completion = row["completion"]
            obj.save()
            scores += 1
    result = {"created": created, "updated": updated, "scores": scores}
    if created or updated or scores:
        first = next(iter(ids.values()), None)
        if first is not None:
            record_event(first, "assessment.unit_points.imported",
                         f"导入大抓积分：新增指标 {created} 项，修改 {updated} 项，得分 {scores} 条", by=by)
    return result
