"""`tongban bench assessment [--cases 1000000] [--units 20] [--json]` (core/bench.py finds it).

Inside one transaction rolled back at the end: N synthetic cases of `units` departments, each with its
promised clock; one in ten first went overdue in the bench month, one in twenty got a yellow card and one in
fifty a red one (rows inserted in bulk, as the supervision scan would have left them). Then:
  - tongban scores the month (`services.score_month`: every source once, an item per occurrence with its
    record, caps, totals) — timed;
  - ONE hand-written SQL statement computes every unit's total straight from the clocks and cards (count ×
    points, capped per indicator, base, cap score) — timed in the same run; the totals must be equal;
  - the 工作通报 is built (`bulletin.report` + `render`, the .docx bytes) — timed.
Goal: scoring ≤ 2 × the reference. `--json`: {"cases", "score_seconds", "reference_seconds", "ratio",
"same_totals", "bulletin_seconds", "items"}.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction

BATCH = 5000
GOAL_RATIO = 2
MONTH = date(2030, 6, 1)
SCORED_ON = date(2030, 7, 1)


class _Rollback(Exception):
    pass


def _load(count: int, depts, windows, items, log) -> None:
    from tongban.cases.models import Case
    from tongban.supervision.models import Card, Clock

    rng = random.Random(14)
    made = 0
    while made < count:
        batch = min(BATCH, count - made)
        cases = []
        for i in range(made, made + batch):
            n = i % len(depts)
            accepted = MONTH - timedelta(days=rng.randint(0, 40))
            cases.append(Case(number=f"777777{accepted:%Y%m%d}{i:07d}", item=items[n], title=items[n].name,
                              applicant_kind="person", applicant_name=f"申请人{i}", phone="13800001234",
                              intake_window=windows[n], intake_unit=depts[n], status="reviewing", received_on=accepted,
                              accepted_on=accepted, clock_start=accepted, budget_workdays=items[n].promised_days))
        Case.objects.bulk_create(cases, batch_size=BATCH)
        ids = dict(Case.objects.filter(number__in=[c.number for c in cases]).values_list("number", "pk"))
        clocks, plans = [], []
        for i, case in enumerate(cases, start=made):
            overdue = rng.random() < 0.1
            day = MONTH + timedelta(days=rng.randint(0, 29))
            clocks.append(Clock(kind="case_promised", case_id=ids[case.number], unit_id=case.intake_unit_id,
                                start=case.accepted_on, workdays=5, due_date=day - timedelta(days=1),
                                first_overdue_on=day if overdue else None, dirty=False))
            roll = rng.random()
            plans.append("red" if roll < 0.02 else "yellow" if roll < 0.07 else None)
        Clock.objects.bulk_create(clocks, batch_size=BATCH)
        clock_ids = dict(Clock.objects.filter(case_id__in=ids.values(), kind="case_promised").values_list("case_id", "pk"))
        cards = [Card(clock_id=clock_ids[c.case_id], case_id=c.case_id, unit_id=c.unit_id, kind="case_promised",
                      color=color, reason="overdue", due_date=c.due_date, issued_on=c.due_date + timedelta(days=1),
                      month=MONTH) for c, color in zip(clocks, plans)
                 if color and MONTH <= c.due_date + timedelta(days=1) < MONTH.replace(month=MONTH.month + 1)]
        Card.objects.bulk_create(cards, batch_size=BATCH)
        made += batch
        if made % 100000 == 0 or made == count:
            log(f"已生成 {made} 件")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Case, Clock, Card):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def reference_totals(scheme, unit_ids: list[int], first: date, last: date) -> dict[int, Decimal]:
    """ONE statement: per unit, base + Σ over the scheme's automatic indicators of count × points, each capped,
    at most the cap score — straight from the clocks and cards."""
    from tongban.org.models import Unit
    from tongban.supervision.models import Card, Clock

    qn = connection.ops.quote_name
    clock, card = qn(Clock._meta.db_table), qn(Card._meta.db_table)
    points = {i.source: (i.points, i.cap) for i in scheme.indicators.all()}

    def capped(source: str, count_sql: str) -> str:
        if source not in points:
            return "0"
        p, cap = points[source]
        raw = f"({count_sql}) * {p}"
        if cap is None:
            return raw
        return f"CASE WHEN {raw} < -{cap} THEN -{cap} WHEN {raw} > {cap} THEN {cap} ELSE {raw} END"

    units = ", ".join(str(int(u)) for u in unit_ids)
    sql = f"""
        SELECT u.id, {capped('cases.overdue', 'COALESCE(o.n, 0)')} + {capped('supervision.yellow_card', 'COALESCE(y.n, 0)')}
               + {capped('supervision.red_card', 'COALESCE(r.n, 0)')}
        FROM (SELECT id FROM {qn(Unit._meta.db_table)} WHERE id IN ({units})) u
        LEFT JOIN (SELECT unit_id, COUNT(*) n FROM {clock} WHERE kind = 'case_promised'
                   AND first_overdue_on BETWEEN %s AND %s GROUP BY unit_id) o ON o.unit_id = u.id
        LEFT JOIN (SELECT unit_id, COUNT(*) n FROM {card} WHERE color = 'yellow' AND issued_on BETWEEN %s AND %s
                   GROUP BY unit_id) y ON y.unit_id = u.id
        LEFT JOIN (SELECT unit_id, COUNT(*) n FROM {card} WHERE color = 'red' AND issued_on BETWEEN %s AND %s
                   GROUP BY unit_id) r ON r.unit_id = u.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [first, last] * 3)
        rows = cursor.fetchall()
    return {unit: min(scheme.cap_score, scheme.base_score + Decimal(str(delta)).quantize(Decimal("0.01")))
            for unit, delta in rows}


def run_assessment_bench(cases: int = 1_000_000, *, units: int = 20, notice: bool = True,
                         log: Callable[[str], None] = print) -> dict:
    from tongban.assessment import bulletin, services
    from tongban.assessment.demo import ensure_scheme
    from tongban.assessment.models import AssessmentMonth, ScoreItem, ScoreSheet
    from tongban.supervision.bench import _corner
    from tongban.supervision.reports import Month
    from tongban.workdays.services import ensure_years

    ensure_years(MONTH.year, MONTH.year)
    month = Month.of(MONTH)
    report: dict = {}
    try:
        with transaction.atomic():
            AssessmentMonth.objects.filter(month=MONTH).delete()
            scheme = ensure_scheme(MONTH)
            depts, windows, items = _corner(units)
            unit_ids = [d.pk for d in depts]
            tick = time.perf_counter()
            _load(cases, depts, windows, items, log)
            log(f"生成 {cases} 件及其时钟、亮牌：{time.perf_counter() - tick:.1f} 秒")
            tick = time.perf_counter()
            assessment, _ = services.score_month(month, SCORED_ON)
            score_seconds = time.perf_counter() - tick
            tick = time.perf_counter()
            expected = reference_totals(scheme, unit_ids, month.first, month.last)
            reference_seconds = time.perf_counter() - tick
            got = dict(ScoreSheet.objects.filter(assessment=assessment, unit_id__in=unit_ids).values_list("unit_id", "total"))
            same = got == expected
            if not same:
                log(f"  tongban {sorted(got.items())}\n  参照   {sorted(expected.items())}")
            tick = time.perf_counter()
            content = bulletin.render(bulletin.report(assessment, SCORED_ON)) if notice else b""
            bulletin_seconds = time.perf_counter() - tick
            count = ScoreItem.objects.filter(sheet__assessment=assessment).count()
            log(f"评分 {score_seconds:.2f} 秒（{count} 项计分）；参照（一条 SQL）{reference_seconds:.2f} 秒；"
                f"得分一致：{'是' if same else '否'}；工作通报 {bulletin_seconds:.2f} 秒（{len(content)} 字节）")
            report = {"cases": cases, "database": connection.vendor, "units": units, "items": count,
                      "score_seconds": round(score_seconds, 3), "reference_seconds": round(reference_seconds, 3),
                      "ratio": round(score_seconds / reference_seconds, 2) if reference_seconds else None,
                      "same_totals": same, "bulletin_seconds": round(bulletin_seconds, 3)}
            raise _Rollback
    except _Rollback:
        pass
    return report


def _arguments(parser) -> None:
    parser.add_argument("--cases", type=int, default=1_000_000, help="办件数（默认 1000000）")
    parser.add_argument("--units", type=int, default=20, help="被考核部门数（默认 20）")


def _run(*, log: Callable[[str], None], cases: int, units: int) -> dict:
    return run_assessment_bench(max(cases, 1), units=max(units, 1), log=log)


def _summary(report: dict) -> str:
    return (f"数据库 {report['database']}，{report['cases']} 件、{report['units']} 个单位：评分 {report['score_seconds']} 秒"
            f"（{report['items']} 项计分），参照一条 SQL {report['reference_seconds']} 秒，比值 {report['ratio']}"
            f"（目标 ≤ {GOAL_RATIO}）；得分一致：{'是' if report['same_totals'] else '否'}；"
            f"工作通报 {report['bulletin_seconds']} 秒")


def _benches():
    from tongban.core.bench import Bench

    return [Bench(name="assessment", help="效能考核：一个月的评分对照一条手写 SQL，及工作通报生成时间",
                  add_arguments=_arguments, run=_run, summary=_summary,
                  json_keys=("cases", "score_seconds", "reference_seconds", "ratio", "same_totals", "bulletin_seconds",
                             "items"))]


BENCHES = _benches()
