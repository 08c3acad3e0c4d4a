"""Reads of the assessment app. One definition per figure: the month's page, the 红黑榜 (staff page, portal),
the 工作通报 and the API all read `month_results` / `board`, so their figures reconcile."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from tongban.assessment.choices import Group, ObjectionStatus
from tongban.assessment.models import (
    AssessmentMonth,
    AssessmentSettings,
    Objection,
    ScoreItem,
    ScoreSheet,
    UnitIndicator,
    UnitIndicatorScore,
)


def sheets(assessment: AssessmentMonth, user=None):
    qs = ScoreSheet.objects.filter(assessment=assessment).select_related("unit")
    if user is not None:
        qs = qs.visible_to(user)
    return qs.order_by("group", "-total", "unit__path")


def reasons(sheet_ids: list[int]) -> dict[int, list[tuple[str, int, Decimal]]]:
    """Per sheet: (indicator, occurrences, counted points) of what moved its score, biggest first — one query."""
    rows = (ScoreItem.objects.filter(sheet_id__in=sheet_ids, cancelled=False).exclude(counted=0)
            .values("sheet_id", "indicator__name").annotate(n=Count("pk"), points=Sum("counted")))
    found: dict[int, list] = defaultdict(list)
    for row in rows:
        found[row["sheet_id"]].append((row["indicator__name"], row["n"], row["points"]))
    for lst in found.values():
        lst.sort(key=lambda r: abs(r[2]), reverse=True)
    return found


def points_text(value) -> str:
    """100.00 → "100", -0.50 → "-0.5": how the pages and the 通报 write points."""
    return format(Decimal(value).normalize(), "f")


def reason_text(rows) -> str:
    return "；".join(f"{name}{n}次{'+' if points > 0 else ''}{points_text(points)}分" for name, n, points in rows) or "无扣分"


def month_results(assessment: AssessmentMonth, user=None) -> dict:
    """{group: [rows]} ranked within each group: unit, total, deductions, bonus, grade, chief, reasons."""
    rows = list(sheets(assessment, user))
    why = reasons([s.pk for s in rows])
    grouped: dict[str, list[dict]] = {g: [] for g in Group.values}
    for sheet in rows:
        grouped[sheet.group].append({
            "sheet": sheet, "unit": sheet.unit.name, "total": sheet.total, "deductions": sheet.deductions,
            "bonus": sheet.bonus, "grade": sheet.get_grade_display(), "chief": sheet.chief_name,
            "chief_deduction": sheet.chief_deduction, "reasons": reason_text(why.get(sheet.pk, [])),
        })
    for group_rows in grouped.values():
        for rank, row in enumerate(group_rows, start=1):
            row["rank"] = rank
    return grouped


def board(assessment: AssessmentMonth) -> dict:
    """红黑榜: per group, the best N (红榜) and the worst N (黑榜, only units with a deduction), N a setting."""
    size = AssessmentSettings.load().board_size
    results = month_results(assessment)
    out = {}
    for group, rows in results.items():
        red = rows[:size]
        black = [r for r in reversed(rows) if r["deductions"] > 0][:size]
        black = [r for r in black if r not in red] or black
        out[group] = {"label": Group(group).label, "red": red, "black": black}
    return out


def totals(assessment: AssessmentMonth) -> dict:
    """The month's headline figures (page and 通报 alike)."""
    agg = ScoreSheet.objects.filter(assessment=assessment).aggregate(
        units=Count("pk"), deductions=Sum("deductions"), failing=Count("pk", filter=Q(grade="fail")))
    items = ScoreItem.objects.filter(sheet__assessment=assessment).aggregate(
        items=Count("pk"), cancelled=Count("pk", filter=Q(cancelled=True)))
    objections = Objection.objects.filter(item__sheet__assessment=assessment).aggregate(
        filed=Count("pk"), upheld=Count("pk", filter=Q(status=ObjectionStatus.UPHELD)),
        pending=Count("pk", filter=Q(status=ObjectionStatus.PENDING)))
    return {**agg, **items, **objections, "deductions": agg["deductions"] or Decimal("0")}


def notable_items(assessment: AssessmentMonth, limit: int = 10):
    """The month's notable records: the biggest single deductions (not cancelled), for the 通报."""
    return (ScoreItem.objects.filter(sheet__assessment=assessment, cancelled=False, counted__lt=0)
            .select_related("sheet__unit", "indicator").order_by("counted", "occurred_on", "pk")[:limit])


def pending_objections(user):
    return (Objection.objects.visible_to(user).filter(status=ObjectionStatus.PENDING)
            .select_related("item__sheet__unit", "item__sheet__assessment", "filed_by"))


def unit_points(year: int, user=None) -> list[dict]:
    """大抓积分: per county unit, points per month (Σ weight × completion / 100), the year's total, rank."""
    from django.db.models import DecimalField, ExpressionWrapper, F

    qs = UnitIndicatorScore.objects.filter(indicator__year=year)
    if user is not None:
        qs = qs.visible_to(user)
    rows = (qs.values("indicator__unit_id", "indicator__unit__name", "month")
            .annotate(points=Sum(ExpressionWrapper(F("indicator__weight") * F("completion") / 100,
                                                   output_field=DecimalField(max_digits=9, decimal_places=2)))))
    units: dict[int, dict] = {}
    for row in rows:
        unit = units.setdefault(row["indicator__unit_id"], {"unit_id": row["indicator__unit_id"],
                                                             "unit": row["indicator__unit__name"], "months": {}})
        unit["months"][row["month"].month] = Decimal(row["points"]).quantize(Decimal("0.01"))
    weights = dict(UnitIndicator.objects.filter(year=year).values("unit_id").annotate(w=Sum("weight"))
                   .values_list("unit_id", "w"))
    out = []
    for unit in units.values():
        months = unit["months"]
        unit["year_points"] = (sum(months.values(), Decimal("0")) / len(months)).quantize(Decimal("0.01"))
        unit["weight"] = weights.get(unit["unit_id"], Decimal("0"))
        unit["trend"] = [months.get(m) for m in range(1, 13)]
        out.append(unit)
    out.sort(key=lambda u: (-u["year_points"], u["unit"]))
    for rank, unit in enumerate(out, start=1):
        unit["rank"] = rank
    return out
