"""`tongban bench assessment [--cases 1000000] [--units 20] [--json]` (core/bench.py finds it).

Inside one transaction rolled back at the end: N synthetic cases of `units` departments, each with its
promised clock; one in ten first went overdue in the bench month, 5 % got a yellow card and 2 % a red one, three
in ten were rated and one in ten of those ratings is a 差评 (each table filled by one `INSERT … SELECT`, as the
supervision scan and the rating pages would have left them). Then:
  - tongban scores the month (`services.score_month`: every source once, the cap rule over every occurrence,
    an item with its record for each occurrence that carries points and one over-cap line per indicator and
    sheet, totals) — timed, after one `reverse()` has loaded the URL configuration (a once-per-process
    cost that a running site or worker has already paid);
  - ONE hand-written SQL statement computes every unit's total straight from the clocks, cards and ratings
    (count × points, capped per indicator, base, cap score) — timed in the same run; the totals must be equal;
  - the 工作通报 is built (`bulletin.report` + `render`, the .docx bytes) — timed.
The machine's load average is printed with the figures (the ratio is within one run). Goal: scoring ≤ 2 × the
reference. `--json`: {"cases", "score_seconds", "reference_seconds", "ratio", "same_totals", "bulletin_seconds",
"items", "load"}.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count
from django.urls import reverse

GOAL_RATIO = 2
MONTH = date(2030, 6, 1)
SCORED_ON = date(2030, 7, 1)


class _Rollback(Exception):
    pass


def _copy(model, template_sql: str, overrides: dict[str, str], rest: str) -> str:
    """`INSERT INTO model's table … SELECT`: every column from the template row `t` (so every default the
    model's own save filled in), except `overrides` (column → SQL); `rest` is the FROM/JOIN/WHERE tail."""
    qn = connection.ops.quote_name
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    select = ", ".join(overrides.get(c, f"t.{qn(c)}") for c in columns)
    return (f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
            f"{template_sql} SELECT {select} {rest}")


def _days(name: str, values: list) -> tuple[str, list]:
    """A small table `name(k, d)` of values as one VALUES list (k = 0 …), and its parameters."""
    adapt = connection.ops.adapt_datetimefield_value if values and hasattr(values[0], "hour") \
        else connection.ops.adapt_datefield_value
    rows = ", ".join(f"({k}, %s)" for k in range(len(values)))
    return f"{name}(k, d) AS (VALUES {rows})", [adapt(v) for v in values]


def _load(count: int, depts, windows, items, log) -> None:
    """N cases of the departments in turn, their promised clocks (one in ten first overdue in the month), 5 %
    yellow and 2 % red cards, and ratings (three in ten cases rated in or around the month, one in ten of those
    不满意): each table filled by ONE `INSERT … SELECT` copying a template row made by the models (so every
    column has its default), the variation from deterministic arithmetic on the row's number or id."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    from tongban.cases import reach
    from tongban.cases.models import Case
    from tongban.feedback.models import Rating
    from tongban.supervision.models import Card, Clock

    qn = connection.ops.quote_name
    units = len(depts)
    templates = Case.objects.bulk_create([
        Case(number=f"777777T{n:04d}", item=items[n], title=items[n].name, applicant_kind="person",
             applicant_name="申请人", phone="13800001234", intake_window=windows[n], intake_unit=depts[n],
             status="reviewing", received_on=MONTH, accepted_on=MONTH, clock_start=MONTH,
             budget_workdays=items[n].promised_days) for n in range(units)])
    reach.sync([case.pk for case in templates])  # the units that see them (cases/reach.py)
    clock = Clock.objects.create(kind="case_promised", case=templates[0], unit=depts[0], start=MONTH, workdays=5,
                                 due_date=MONTH, dirty=False)
    card = Card.objects.create(clock=clock, case=templates[0], unit=depts[0], kind="case_promised", color="yellow",
                               reason="overdue", due_date=MONTH, issued_on=MONTH, month=MONTH)
    zone = ZoneInfo(settings.TIME_ZONE)
    rating = Rating.objects.create(case=templates[0], channel="window", level=5, unit=depts[0], window=windows[0],
                                   rated_at=datetime.combine(MONTH, dt_time(10), zone))
    case_t, clock_t, card_t, rating_t = (qn(m._meta.db_table) for m in (Case, Clock, Card, Rating))
    tmpl = ", ".join(f"({n}, {t.pk})" for n, t in enumerate(templates))
    accepted, accepted_params = _days("acc", [MONTH - timedelta(days=k) for k in range(41)])
    mdays = [MONTH + timedelta(days=k) for k in range(30)]
    due, due_params = _days("due", [d - timedelta(days=1) for d in mdays])
    over, over_params = _days("over", mdays)
    rated, rated_params = _days("rated", [datetime.combine(MONTH + timedelta(days=k - 10), dt_time(10), zone)
                                          for k in range(40)])
    mine = f"c.{qn('number')} LIKE '777777%%' AND c.{qn('number')} NOT LIKE '777777T%%'"
    tick = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(_copy(
            Case, f"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %s), "
                  f"tmpl(k, id) AS (VALUES {tmpl}), {accepted}",
            {"number": "'777777' || CAST(n.i AS TEXT)", "applicant_name": "'申请人' || CAST(n.i AS TEXT)",
             "received_on": "acc.d", "accepted_on": "acc.d", "clock_start": "acc.d"},
            f"FROM n JOIN tmpl ON tmpl.k = n.i %% {units} JOIN {case_t} t ON t.id = tmpl.id "
            f"JOIN acc ON acc.k = (n.i / {units} * 17) %% 41"), [count - 1, *accepted_params])
        log(f"已生成 {count} 件（{time.perf_counter() - tick:.1f} 秒）")
        # the clock's due day: the day before the month's day k; first overdue that day for one case in ten
        cursor.execute(_copy(
            Clock, f"WITH {due}, {over}",
            {"case_id": "c.id", "unit_id": "c.intake_unit_id", "start": "c.accepted_on", "due_date": "due.d",
             "first_overdue_on": "CASE WHEN (c.id * 7919) %% 1000 < 100 THEN over.d ELSE NULL END"},
            f"FROM {case_t} c JOIN {clock_t} t ON t.id = {clock.pk} JOIN due ON due.k = (c.id * 13) %% 30 "
            f"JOIN over ON over.k = due.k WHERE {mine}"), [*due_params, *over_params])
        cursor.execute(_copy(
            Card, f"WITH {over}, {due}",
            {"clock_id": "k.id", "case_id": "k.case_id", "unit_id": "k.unit_id", "due_date": "k.due_date",
             "issued_on": "over.d", "color": "CASE WHEN (k.case_id * 6007 + 500) %% 1000 < 20 THEN 'red' ELSE 'yellow' END"},
            f"FROM {clock_t} k JOIN {case_t} c ON c.id = k.case_id JOIN due ON due.d = k.due_date "
            f"JOIN over ON over.k = due.k JOIN {card_t} t ON t.id = {card.pk} "
            f"WHERE {mine} AND (k.case_id * 6007 + 500) %% 1000 < 70"), [*over_params, *due_params])
        cursor.execute(_copy(
            Rating, f"WITH {rated}",
            {"case_id": "c.id", "unit_id": "c.intake_unit_id", "window_id": "c.intake_window_id",
             "rated_at": "rated.d", "level": "CASE WHEN (c.id * 3571 + 250) %% 1000 < 30 THEN 2 ELSE 5 END"},
            f"FROM {case_t} c JOIN rated ON rated.k = (c.id * 11) %% 40 JOIN {rating_t} t ON t.id = {rating.pk} "
            f"WHERE {mine} AND (c.id * 3571 + 250) %% 1000 < 300"), rated_params)
    rating.delete()
    card.delete()
    clock.delete()
    Case.objects.filter(pk__in=[t.pk for t in templates]).delete()
    log(f"时钟、亮牌、评价已生成（{time.perf_counter() - tick:.1f} 秒）")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Case, Clock, Card, Rating):
                cursor.execute(f"ANALYZE {qn(model._meta.db_table)}")


def reference_totals(scheme, unit_ids: list[int], first: date, last: date) -> dict[int, Decimal]:
    """ONE statement: per unit, base + Σ over the scheme's automatic indicators of count × points, each capped,
    at most the cap score — straight from the clocks, cards and ratings."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    from tongban.feedback.models import Rating
    from tongban.org.models import Unit
    from tongban.supervision.models import Card, Clock

    qn = connection.ops.quote_name
    clock, card, rating = qn(Clock._meta.db_table), qn(Card._meta.db_table), qn(Rating._meta.db_table)
    points = {i.source: (i.points, i.cap) for i in scheme.indicators.all()}

    def capped(source: str, count_sql: str) -> str:
        if source not in points:
            return "0"
        p, cap = points[source]
        raw = f"({count_sql}) * {p}"
        if cap is None:
            return raw
        return f"CASE WHEN {raw} < -{cap} THEN -{cap} WHEN {raw} > {cap} THEN {cap} ELSE {raw} END"

    zone = ZoneInfo(settings.TIME_ZONE)
    since = connection.ops.adapt_datetimefield_value(datetime.combine(first, dt_time(0), zone))
    until = connection.ops.adapt_datetimefield_value(datetime.combine(last + timedelta(days=1), dt_time(0), zone))
    units = ", ".join(str(int(u)) for u in unit_ids)
    sql = f"""
        SELECT u.id, {capped('cases.overdue', 'COALESCE(o.n, 0)')} + {capped('supervision.yellow_card', 'COALESCE(y.n, 0)')}
               + {capped('supervision.red_card', 'COALESCE(r.n, 0)')} + {capped('feedback.bad_review', 'COALESCE(b.n, 0)')}
        FROM (SELECT id FROM {qn(Unit._meta.db_table)} WHERE id IN ({units})) u
        LEFT JOIN (SELECT unit_id, COUNT(*) n FROM {clock} WHERE kind = 'case_promised'
                   AND first_overdue_on BETWEEN %s AND %s GROUP BY unit_id) o ON o.unit_id = u.id
        LEFT JOIN (SELECT unit_id, COUNT(*) n FROM {card} WHERE color = 'yellow' AND issued_on BETWEEN %s AND %s
                   GROUP BY unit_id) y ON y.unit_id = u.id
        LEFT JOIN (SELECT unit_id, COUNT(*) n FROM {card} WHERE color = 'red' AND issued_on BETWEEN %s AND %s
                   GROUP BY unit_id) r ON r.unit_id = u.id
        LEFT JOIN (SELECT unit_id, COUNT(*) n FROM {rating} WHERE level IN (1, 2) AND appeal_status <> 'upheld'
                   AND rated_at >= %s AND rated_at < %s GROUP BY unit_id) b ON b.unit_id = u.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [first, last] * 3 + [since, until])
        rows = cursor.fetchall()
    return {unit: min(scheme.cap_score, scheme.base_score + Decimal(str(delta)).quantize(Decimal("0.01")))
            for unit, delta in rows}


def _vacuum(log) -> None:
    """PostgreSQL: vacuum the tables the bench fills first. Every run's rows are rolled back, and until autovacuum
    comes by, a second run would read the first one's dead rows too (a million cases left 765 MB of them)."""
    from tongban.assessment.models import ScoreItem, ScoreSheet
    from tongban.cases.models import Case
    from tongban.core.bench import vacuum
    from tongban.feedback.models import Rating
    from tongban.supervision.models import Card, Clock

    seconds = vacuum((Case, Clock, Card, Rating, ScoreSheet, ScoreItem))
    if not seconds:
        return
    log(f"清理上次运行留下的行（VACUUM）：{seconds:.1f} 秒")


def run_assessment_bench(cases: int = 1_000_000, *, units: int = 20, notice: bool = True,
                         log: Callable[[str], None] = print) -> dict:
    from tongban.assessment import bulletin, services
    from tongban.assessment.demo import ensure_scheme
    from tongban.assessment.models import AssessmentMonth, ScoreItem, ScoreSheet
    from tongban.supervision.bench import _corner
    from tongban.supervision.reports import Month
    from tongban.workdays.services import ensure_years

    ensure_years(MONTH.year, MONTH.year)
    _vacuum(log)
    month = Month.of(MONTH)
    report: dict = {}
    try:
        with transaction.atomic():
            AssessmentMonth.objects.filter(month=MONTH).delete()
            scheme = ensure_scheme(MONTH)
            depts, windows, items = _corner(units)
            unit_ids = [d.pk for d in depts]
            _load(cases, depts, windows, items, log)
            reverse("cases:case_detail", args=["0"])  # the URL configuration loaded, as in a running process
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
            by_source = dict(ScoreItem.objects.filter(sheet__assessment=assessment, sheet__unit_id__in=unit_ids)
                             .values_list("record_key").annotate(n=Count("pk")).order_by("record_key"))
            count = ScoreItem.objects.filter(sheet__assessment=assessment).count()
            log(f"评分 {score_seconds:.2f} 秒（{count} 项计分）；参照（一条 SQL）{reference_seconds:.2f} 秒；"
                f"得分一致：{'是' if same else '否'}；工作通报 {bulletin_seconds:.2f} 秒（{len(content)} 字节）")
            report = {"cases": cases, "database": connection.vendor, "units": units, "items": count,
                      "by_source": by_source,
                      "score_seconds": round(score_seconds, 3), "reference_seconds": round(reference_seconds, 3),
                      "ratio": round(score_seconds / reference_seconds, 2) if reference_seconds else None,
                      "same_totals": same, "bulletin_seconds": round(bulletin_seconds, 3),
                      "load": round(os.getloadavg()[0], 1)}
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
            f"工作通报 {report['bulletin_seconds']} 秒；负载 {report['load']}")


def _benches():
    from tongban.core.bench import Bench

    return [Bench(name="assessment", help="效能考核：一个月的评分对照一条手写 SQL，及工作通报生成时间",
                  add_arguments=_arguments, run=_run, summary=_summary,
                  json_keys=("cases", "score_seconds", "reference_seconds", "ratio", "same_totals", "bulletin_seconds",
                             "items", "load"))]


BENCHES = _benches()
