"""A scheme as an Excel workbook: export, and import all-or-nothing with sheet and row numbers.

Sheet 方案 (项目 | 值): 方案名称, 起用月份 (2026-01), 基础分, 最高分, 合格线, 基本合格线, 首席代表连带比例,
窗口单位类型, 乡镇单位类型 (unit kind codes, comma separated), 依据.
Sheet 指标: 代码 | 指标名称 | 适用分组 | 来源 | 每次分值 | 本项上限 | 依据 — 来源 is a source's Chinese label
or key (sources.py) or 人工录入.

A scheme in force for a month already scored is never rewritten (the month keeps its scheme); importing the
same file twice changes nothing; a new 起用月份 makes a new version.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.assessment import sources
from tongban.assessment.choices import MANUAL, Group
from tongban.assessment.models import Indicator, Scheme
from tongban.history.services import record_event

SETTINGS_ROWS = [("方案名称", "name"), ("起用月份", "valid_from"), ("基础分", "base_score"), ("最高分", "cap_score"),
                 ("合格线", "pass_score"), ("基本合格线", "basic_score"), ("首席代表连带比例", "chief_share"),
                 ("窗口单位类型", Group.WINDOW), ("乡镇单位类型", Group.TOWNSHIP), ("依据", "basis")]
INDICATOR_HEADERS = ["代码", "指标名称", "适用分组", "来源", "每次分值", "本项上限", "依据"]


@dataclass
class Parsed:
    scheme: dict = field(default_factory=dict)
    indicators: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def export(scheme: Scheme) -> bytes:
    from tongban.documents.excel import styled_workbook, write_header, write_rows

    book = styled_workbook("方案")
    ws = book.active
    write_header(ws, 1, ["项目", "值"])
    values = {"name": scheme.name, "valid_from": f"{scheme.valid_from:%Y-%m}", "base_score": scheme.base_score,
              "cap_score": scheme.cap_score, "pass_score": scheme.pass_score, "basic_score": scheme.basic_score,
              "chief_share": scheme.chief_share, "basis": scheme.basis,
              **{g: ",".join(scheme.subject_kinds.get(g, [])) for g in Group.values}}
    write_rows(ws, 2, [[label, _plain(values[key])] for label, key in SETTINGS_ROWS])
    sheet = book.create_sheet("指标")
    write_header(sheet, 1, INDICATOR_HEADERS)
    write_rows(sheet, 2, [[i.code, i.name, Group(i.group).label if i.group else "", sources.label_of(i.source),
                           _plain(i.points), _plain(i.cap) if i.cap is not None else "", i.basis]
                          for i in scheme.indicators.all()])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _decimal(value, where: str, errors: list[str], *, required=True) -> Decimal | None:
    if value is None or str(value).strip() == "":
        if required:
            errors.append(f"{where}：不能为空。")
        return None
    try:
        return Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except InvalidOperation:
        errors.append(f"{where}：“{value}”不是数字。")
        return None


def parse(source, name: str) -> Parsed:
    """Read and check every row; never writes."""
    from tongban.core.spreadsheets import read_workbook

    parsed = Parsed()
    errors = parsed.errors
    by_title = {s.name: s for s in read_workbook(source, name=name)}
    settings_sheet, indicator_sheet = by_title.get("方案"), by_title.get("指标")
    if settings_sheet is None or indicator_sheet is None:
        errors.append("工作簿须有“方案”和“指标”两个工作表（可先导出一个方案作模板）。")
        return parsed
    values = {}
    for number, row in enumerate(settings_sheet.rows, start=1):
        if number == 1 or not row or row[0] is None:
            continue
        values[str(row[0]).strip()] = (row[1] if len(row) > 1 else None, number)
    scheme = parsed.scheme
    for label, key in SETTINGS_ROWS:
        value, number = values.get(label, (None, None))
        where = f"工作表“方案”第 {number} 行（{label}）" if number else f"工作表“方案”（{label}）"
        if key == "name":
            if not value or not str(value).strip():
                errors.append(f"{where}：不能为空。")
            scheme[key] = str(value or "").strip()[:100]
        elif key == "valid_from":
            try:
                if isinstance(value, date):
                    scheme[key] = value.replace(day=1)
                else:
                    year, month = (int(p) for p in str(value).strip().split("-")[:2])
                    scheme[key] = date(year, month, 1)
            except (ValueError, TypeError, AttributeError):
                errors.append(f"{where}：“{value}”不是月份，请写成 2026-01。")
        elif key == "chief_share":
            share = _decimal(value, where, errors)
            if share is not None and not (0 <= share <= 100):
                errors.append(f"{where}：须在 0 到 100 之间。")
            scheme[key] = int(share or 0)
        elif key in Group.values:
            scheme.setdefault("subject_kinds", {})[key] = [k.strip() for k in str(value or "").split(",") if k.strip()]
        elif key == "basis":
            scheme[key] = str(value or "").strip()[:200]
        else:
            scheme[key] = _decimal(value, where, errors)
    if not errors and not (scheme["basic_score"] <= scheme["pass_score"] <= scheme["cap_score"]):
        errors.append("工作表“方案”：须满足 基本合格线 ≤ 合格线 ≤ 最高分。")
    by_label = {s.label: key for key, s in sources.SOURCES.items()} | {sources.label_of(MANUAL): MANUAL, "人工录入": MANUAL}
    group_by_label = {label: code for code, label in Group.choices}
    seen = set()
    for number, row in enumerate(indicator_sheet.rows, start=1):
        if number == 1 or not any(v not in (None, "") for v in row):
            continue
        row = list(row) + [None] * (7 - len(row))
        where = f"工作表“指标”第 {number} 行"
        code, name_, group, src, points, cap, basis = (row[i] for i in range(7))
        code = str(code or "").strip()
        if not code:
            errors.append(f"{where}（代码）：不能为空。")
        elif code in seen:
            errors.append(f"{where}（代码）：“{code}”重复。")
        seen.add(code)
        if not str(name_ or "").strip():
            errors.append(f"{where}（指标名称）：不能为空。")
        group_code = ""
        if group not in (None, ""):
            group_code = group_by_label.get(str(group).strip(), str(group).strip())
            if group_code not in Group.values:
                errors.append(f"{where}（适用分组）：“{group}”不是考核分组（{'、'.join(Group.labels)}）。")
        key = str(src or "").strip()
        key = by_label.get(key, key)
        if key != MANUAL and key not in sources.SOURCES:
            errors.append(f"{where}（来源）：“{src}”不是已知的数据来源，也不是“人工录入”。")
        parsed.indicators.append({
            "code": code, "name": str(name_ or "").strip()[:100], "group": group_code, "source": key,
            "points": _decimal(points, f"{where}（每次分值）", errors),
            "cap": _decimal(cap, f"{where}（本项上限）", errors, required=False),
            "basis": str(basis or "").strip()[:200], "sort_order": number})
    if not parsed.indicators and not errors:
        errors.append("工作表“指标”没有指标。")
    return parsed


def changes(parsed: Parsed) -> dict:
    """What importing would do: a new scheme, a rewrite of an unscored one (with the differences), nothing,
    or a refusal (the scheme was used to score a month)."""
    existing = Scheme.objects.filter(valid_from=parsed.scheme["valid_from"]).first()
    if existing is None:
        return {"action": "create", "lines": [f"新建方案“{parsed.scheme['name']}”，{len(parsed.indicators)} 项指标"]}
    if existing.months.exists():
        return {"action": "refuse", "lines": [f"“{existing.name}”已用于考核评分，不能改写；请改起用月份，作为新版本导入。"]}
    lines = []
    for key, value in parsed.scheme.items():
        if getattr(existing, key) != value:
            lines.append(f"{Scheme._meta.get_field(key).verbose_name}：{getattr(existing, key)} → {value}")
    old = {i.code: i for i in existing.indicators.all()}
    for row in parsed.indicators:
        before = old.pop(row["code"], None)
        if before is None:
            lines.append(f"新增指标 {row['name']}")
            continue
        for key in ("name", "group", "source", "points", "cap", "basis"):
            if getattr(before, key) != row[key]:
                lines.append(f"指标 {row['name']} 的{Indicator._meta.get_field(key).verbose_name}：{getattr(before, key)} → {row[key]}")
    lines += [f"删除指标 {i.name}" for i in old.values()]
    return {"action": "update" if lines else "none", "lines": lines or ["没有变化"]}


@transaction.atomic
def apply(parsed: Parsed, *, by) -> tuple[Scheme, str]:
    if parsed.errors:
        raise ValidationError(parsed.errors, code="scheme_import_invalid")
    plan = changes(parsed)
    if plan["action"] == "refuse":
        raise ValidationError(plan["lines"][0], code="scheme_used")
    if plan["action"] == "none":
        return Scheme.objects.get(valid_from=parsed.scheme["valid_from"]), "none"
    scheme, _ = Scheme.objects.update_or_create(valid_from=parsed.scheme["valid_from"], defaults=parsed.scheme)
    scheme.indicators.exclude(code__in=[r["code"] for r in parsed.indicators]).delete()
    for row in parsed.indicators:
        Indicator.objects.update_or_create(scheme=scheme, code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
    record_event(scheme, "assessment.scheme.imported", "；".join(plan["lines"])[:500], by=by)
    return scheme, plan["action"]
