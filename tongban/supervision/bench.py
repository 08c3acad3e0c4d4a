"""Supervision's benchmarks (core/bench.py finds them; docs/supervision.md has the figures).

`tongban bench supervision [--cases 1000000] [--json]`: synthetic open cases (审查中, one in ten 特别程序中,
a third with an ended suspension) are bulk-inserted and their stored clocks filled by the cases app's own
set-based code; then, inside one transaction that is rolled back at the end:
  - the first scan creates the clock rows (timed apart: `initial_seconds`);
  - the FULL scan of the next day through tongban's code (`clocks.scan(day, full=True)`: sync, due dates,
    states, events, cards) is timed against ONE hand-written SQL statement that computes the same states
    straight from the cases, their suspensions and the calendar; both give counts per (kind, state, card),
    which must be equal (`same_counts`); goal: ratio ≤ 1.5. The scan syncs the cases with a case event since
    the previous scan; a complete re-sync (`--resync`: every case compared) is timed apart (`resync_seconds`,
    `ratio_with_resync`) and must change nothing;
  - the incremental pass of the day after (only clocks whose state can change that day); goal ≤ 5 s on
    PostgreSQL.
Each timed scan includes the foreign-key checks PostgreSQL runs at commit (`fk_checks`: the days are rolled back,
so they are run inside the timed span). `--committed` (a scratch database): the load and the first scan are
committed and vacuumed first, as production has them the morning after; the bench's rows are deleted at the end.
`tongban bench duedates [--cases 1000000] [--sample 2000] [--json]`: due dates for N clocks computed through
the calendar table in one SELECT (`workdays.clocks.computed_due_dates`; none written, as the naive loop writes
none) against a naive per-case loop that walks day by day over chinesecalendar, timed on a sample and scaled
to N (`speedup`); computing and storing them (`update_due_dates`, one UPDATE … FROM) is timed too
(`stored_seconds`, `speedup_stored`); the sample's answers must agree.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import date, timedelta

from django.db import connection, transaction

BATCH = 5000
SCAN_GOAL_RATIO = 1.5
INCREMENTAL_GOAL_SECONDS = 5
SPEEDUP_GOAL = 1000


class _Rollback(Exception):
    pass


def _corner(units: int):
    from tongban.catalog import services as catalog
    from tongban.catalog.models import ServiceItem
    from tongban.org import services as org
    from tongban.org.defaults import ensure_unit_kinds
    from tongban.org.models import Unit, Window

    kinds = ensure_unit_kinds()
    center = Unit.objects.filter(code="bench-sup").first() or org.create_unit(
        code="bench-sup", name="基准测试监察中心", kind=kinds["center"])
    depts, windows, items = [], [], []
    for n in range(units):
        dept = Unit.objects.filter(code=f"bench-sup-{n}").first() or org.create_unit(
            code=f"bench-sup-{n}", name=f"基准测试监察部门{n}", kind=kinds["department"], parent=center)
        depts.append(dept)
        windows.append(Window.objects.filter(code=f"BENCHS{n}").first() or org.create_window(
            code=f"BENCHS{n}", name=f"基准测试监察窗口{n}", kind="intake", unit=dept))
        items.append(ServiceItem.objects.filter(implementation_code=f"BENCH-S{n}").first() or catalog.create_item(
            name=f"基准测试监察事项{n}", basic_code="BENCHS", implementation_code=f"BENCH-S{n}", implementing_unit=dept,
            promised_days=3 + n % 8, statutory_days=20))
    return depts, windows, items


def _load(count: int, today: date, depts, windows, items, log) -> None:
    """Open cases accepted over the last 60 days, with suspensions, by bulk insert; the stored clocks are
    then filled by the cases app's own set-based code (`count_suspension_workdays`, `refresh_case_clocks`)."""
    from tongban.cases import reach
    from tongban.cases.clocks import count_suspension_workdays, refresh_case_clocks
    from tongban.cases.models import Case, Suspension

    rng = random.Random(11)
    made = 0
    while made < count:
        batch = min(BATCH, count - made)
        rows, plans = [], []
        for i in range(made, made + batch):
            n = i % len(depts)
            accepted = today - timedelta(days=rng.randint(0, 60))
            suspended_now = rng.random() < 0.1
            rows.append(Case(number=f"888888{accepted:%Y%m%d}{i:07d}", item=items[n], title=items[n].name,
                             applicant_kind="person", applicant_name=f"申请人{i}", phone="13800001234",
                             intake_window=windows[n], intake_unit=depts[n],
                             status="suspended" if suspended_now else "reviewing", received_on=accepted,
                             accepted_on=accepted, clock_start=accepted, budget_workdays=items[n].promised_days))
            ended = rng.random() < 0.33
            plans.append((accepted, ended, suspended_now, rng.randint(1, 10), rng.randint(1, 12)))
        Case.objects.bulk_create(rows, batch_size=BATCH)
        ids = dict(Case.objects.filter(number__in=[r.number for r in rows]).values_list("number", "pk"))
        reach.fill(min(ids.values()), max(ids.values()))  # the units that see them (cases/reach.py)
        suspensions = []
        for row, (accepted, ended, now, offset, length) in zip(rows, plans):
            if ended:
                start = min(accepted + timedelta(days=offset), today)
                suspensions.append(Suspension(case_id=ids[row.number], kind="inspection", reason="现场核查",
                                              started_on=start, ended_on=min(start + timedelta(days=length), today)))
            if now:
                suspensions.append(Suspension(case_id=ids[row.number], kind="expert_review", reason="专家评审",
                                              started_on=today - timedelta(days=offset)))
        Suspension.objects.bulk_create(suspensions, batch_size=BATCH)
        made += batch
        if made % 100000 == 0 or made == count:
            log(f"已生成 {made} 件")
    mine = Case.objects.filter(intake_unit__in=depts)
    count_suspension_workdays(Suspension.objects.filter(case__intake_unit__in=depts))
    refresh_case_clocks(mine)
    if connection.vendor == "postgresql":  # what autovacuum would have done by the morning after
        with connection.cursor() as cursor:
            for model in (Case, Suspension):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def reference_counts(day: date, units: list[int], *, warn: int, red: int) -> dict[tuple[str, str, str], int]:
    """ONE statement: each open case's promised and statutory due dates straight from its budget, its
    ended suspensions and the calendar; their states and cards on `day`, counted."""
    from tongban.cases.models import Case, Suspension
    from tongban.catalog.models import ServiceItem
    from tongban.workdays.models import Day

    qn = connection.ops.quote_name
    case, sus, item, days = (qn(m._meta.db_table) for m in (Case, Suspension, ServiceItem, Day))
    dt = qn("date")
    unit_list = ", ".join(str(int(u)) for u in units)
    sql = f"""
        SELECT kind, state, card, COUNT(*) FROM (
          SELECT k.kind AS kind,
                 CASE WHEN c.status = 'suspended' THEN 'stopped'
                      WHEN t.{dt} < %s THEN 'overdue'
                      WHEN t.workday_index - d.workday_index <= %s THEN 'due_soon' ELSE 'normal' END AS state,
                 CASE WHEN c.status = 'suspended' THEN ''
                      WHEN d.workday_index - t.workday_index > %s THEN 'red'
                      WHEN t.workday_index - d.workday_index <= %s THEN 'yellow' ELSE '' END AS card
          FROM {case} c
          JOIN {item} it ON it.id = c.item_id
          CROSS JOIN (SELECT 'case_promised' AS kind UNION ALL SELECT 'case_statutory') k
          LEFT JOIN (SELECT s.case_id AS case_id, SUM(e.workday_index - b.workday_index) AS workdays
                     FROM {sus} s JOIN {days} b ON b.{dt} = s.started_on JOIN {days} e ON e.{dt} = s.ended_on
                     WHERE s.ended_on IS NOT NULL GROUP BY s.case_id) sw ON sw.case_id = c.id
          JOIN {days} st ON st.{dt} = c.clock_start
          JOIN {days} t ON t.is_workday AND t.workday_index = st.workday_index
               + CASE WHEN k.kind = 'case_promised' THEN c.budget_workdays ELSE it.statutory_days END
               + COALESCE(sw.workdays, 0)
          JOIN {days} d ON d.{dt} = %s
          WHERE c.status IN ('reviewing', 'suspended') AND c.intake_unit_id IN ({unit_list})
        ) x GROUP BY kind, state, card"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, warn, red, warn, day])
        return {(kind, state, card or ""): n for kind, state, card, n in cursor.fetchall()}


def scanned_counts(units: list[int]) -> dict[tuple[str, str, str], int]:
    from django.db.models import Count

    from tongban.supervision.choices import ClockKind
    from tongban.supervision.models import Clock

    case_clocks = [ClockKind.CASE_PROMISED, ClockKind.CASE_STATUTORY]  # what the reference counts
    rows = (Clock.objects.filter(unit_id__in=units, kind__in=case_clocks).values_list("kind", "state", "card")
            .annotate(n=Count("pk")).order_by())
    return {(kind, state, card or ""): n for kind, state, card, n in rows}


def run_supervision_bench(cases: int = 1_000_000, *, units: int = 10, committed: bool = False,
                          log: Callable[[str], None] = print) -> dict:
    """`committed=False` (the default): everything — the load, the first scan and the timed days — in one
    transaction rolled back at the end. Pessimistic for PostgreSQL: no vacuum can run inside it, so after the
    first scan every clock row has 3–4 versions, every page is full and no update can be HOT.
    `committed=True` (`--committed`, a scratch database: refused if a scan ever ran there): the load and the
    first scan are committed and vacuumed (what production has the morning after: the first scan committed,
    autovacuum overnight), the timed days run in a transaction rolled back at the end, then the bench's rows
    are deleted."""
    from django.utils import timezone

    from tongban.cases.models import Case
    from tongban.supervision.models import ScanRun, SupervisionSettings
    from tongban.workdays.services import add_workdays, ensure_years

    today = timezone.localdate()
    ensure_years(today.year - 1, today.year + 1)
    days = (today, add_workdays(today, 1).date)
    days = (*days, days[1] + timedelta(days=1))
    report: dict = {}
    if not committed:
        try:
            with transaction.atomic():
                policy = SupervisionSettings.load()
                ScanRun.objects.all().delete()  # the bench's days come first (rolled back with everything)
                unit_ids, initial = _prepare(cases, units, today, days[0], policy, log)
                report = _timed_days(cases, unit_ids, days, policy, log)
                report["initial_seconds"] = round(initial, 3)
                raise _Rollback
        except _Rollback:
            pass
        report["bench_cases_left"] = Case.objects.filter(number__startswith="888888").count()
        return report
    if connection.in_atomic_block:
        raise RuntimeError("--committed commits the load: it cannot run inside a transaction")
    if ScanRun.objects.exists():
        raise RuntimeError("--committed needs a scratch database: a supervision scan already ran in this one")
    policy = SupervisionSettings.load()
    repeat = policy.repeat_yellow_cards
    unit_ids: list[int] = []
    try:
        with transaction.atomic():
            unit_ids, initial = _prepare(cases, units, today, days[0], policy, log)
        _vacuum(log)
        try:
            with transaction.atomic():
                report = _timed_days(cases, unit_ids, days, policy, log)
                report["initial_seconds"] = round(initial, 3)
                raise _Rollback
        except _Rollback:
            pass
    finally:
        _delete_bench_rows(unit_ids, log)
        SupervisionSettings.objects.filter(pk=policy.pk).update(repeat_yellow_cards=repeat)
    report["committed"] = True
    report["bench_cases_left"] = Case.objects.filter(number__startswith="888888").count()
    return report


def _prepare(cases: int, units: int, today: date, day0: date, policy, log) -> tuple[list[int], float]:
    """The repeat rule off (the reference has no history), the bench's units and cases, and the first scan
    (which creates the clock rows; timed apart)."""
    from tongban.supervision.clocks import scan

    policy.repeat_yellow_cards = 0
    policy.save()
    depts, windows, items = _corner(units)
    tick = time.perf_counter()
    _load(cases, today, depts, windows, items, log)
    log(f"生成 {cases} 件及其时钟：{time.perf_counter() - tick:.1f} 秒")
    tick = time.perf_counter()
    scan(day0, full=True)
    initial = time.perf_counter() - tick
    # The load's and the first scan's own foreign-key checks (deferred to commit): paid here, untimed, so that
    # the timed days pay only their own (in the one-transaction run they would otherwise land on the first one).
    checks = _check_deferred_constraints()
    log(f"首次扫描（建立时钟行）：{initial:.2f} 秒；此前写入各行的外键检查 {checks:.2f} 秒")
    return [d.pk for d in depts], initial


def _vacuum(log) -> None:
    """What autovacuum does overnight (PostgreSQL): dead row versions of the first scan reclaimed, fresh
    statistics. Outside any transaction."""
    from tongban.cases.models import Case, CaseEvent, Suspension
    from tongban.core.bench import vacuum
    from tongban.supervision.models import Card, Clock, ClockEvent

    seconds = vacuum((Clock, ClockEvent, Card, Case, CaseEvent, Suspension), analyze=True)
    if seconds:
        log(f"VACUUM ANALYZE（相当于夜间的 autovacuum）：{seconds:.1f} 秒")


def _delete_bench_rows(unit_ids: list[int], log) -> None:
    """`--committed`: the bench's own rows, children first, in set-based statements (its cases have clocks,
    clock events, cards, card lines on their timelines, suspensions and the units that see them (`cases.reach`),
    nothing else), and the scan runs (the database had none before)."""
    from tongban.cases.models import Case, CaseEvent, CaseUnit, Suspension
    from tongban.supervision.models import Card, Clock, ClockEvent, ScanRun

    qn = connection.ops.quote_name
    case, event, sus, clock, clock_event, card, reach = (
        qn(m._meta.db_table) for m in (Case, CaseEvent, Suspension, Clock, ClockEvent, Card, CaseUnit))
    mine = f"SELECT id FROM {case} WHERE number LIKE '888888%%'"
    tick = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {clock_event} WHERE clock_id IN (SELECT id FROM {clock} WHERE case_id IN ({mine}))")
        for table in (card, clock, event, sus, reach):
            cursor.execute(f"DELETE FROM {table} WHERE case_id IN ({mine})")
        cursor.execute(f"DELETE FROM {case} WHERE id IN ({mine})")
        ScanRun.objects.all().delete()
    log(f"删除基准数据：{time.perf_counter() - tick:.1f} 秒")


def _check_deferred_constraints() -> float:
    """PostgreSQL: Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, checked when the transaction commits.
    The daily scan commits, so it pays one check per foreign key of every row it inserted (an event: its clock;
    a card: its clock, case and unit; a timeline line: its case); the bench's days are rolled back and would never
    pay them. Run them now, inside the timed span (`SET CONSTRAINTS ALL IMMEDIATE` checks what is pending), and
    defer again. Returns the seconds taken."""
    if connection.vendor != "postgresql":
        return 0.0
    tick = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return time.perf_counter() - tick


def _timed_days(cases: int, unit_ids: list[int], days: tuple[date, date, date], policy, log) -> dict:
    """The timed part: the full scan of day 1 against the reference, a complete re-sync, the incremental
    pass of day 2 (checked against the reference too)."""
    from tongban.supervision.clocks import scan, sync

    _, day1, day2 = days
    tick = time.perf_counter()
    full = scan(day1, full=True)
    checks_full = _check_deferred_constraints()
    scan_seconds = time.perf_counter() - tick
    tick = time.perf_counter()
    expected = reference_counts(day1, unit_ids, warn=policy.warn_workdays, red=policy.red_after_workdays)
    reference_seconds = time.perf_counter() - tick
    got = scanned_counts(unit_ids)
    same = got == expected
    log(f"全量扫描 {day1}：{scan_seconds:.2f} 秒（{full['scanned']} 个时钟，{full['changed']} 个变化）；"
        f"{full['steps']}，提交时的外键检查 {checks_full:.2f} 秒；参照（一条 SQL）{reference_seconds:.2f} 秒；计数一致：{'是' if same else '否'}")
    if not same:
        log(f"  tongban {sorted(got.items())}\n  参照   {sorted(expected.items())}")
    # The scan syncs the cases with a case event since the previous scan; `--resync` compares every case
    # with its clocks (the first scan, or by hand): timed apart, it writes nothing here.
    tick = time.perf_counter()
    resynced = sync()
    resync_seconds = time.perf_counter() - tick
    log(f"逐件核对全部办件与时钟（--resync）：{resync_seconds:.2f} 秒，改动 {resynced} 个时钟")
    tick = time.perf_counter()
    incremental = scan(day2)
    checks_incremental = _check_deferred_constraints()
    incremental_seconds = time.perf_counter() - tick
    same_next = scanned_counts(unit_ids) == reference_counts(
        day2, unit_ids, warn=policy.warn_workdays, red=policy.red_after_workdays)
    log(f"增量扫描 {day2}：{incremental_seconds:.2f} 秒（读 {incremental['scanned']} 个时钟，"
        f"{incremental['changed']} 个变化，{incremental['steps']}，外键检查 {checks_incremental:.2f} 秒）；计数一致：{'是' if same_next else '否'}")
    return {
        "cases": cases, "database": connection.vendor, "committed": False,
        "scan_seconds": round(scan_seconds, 3), "reference_seconds": round(reference_seconds, 3),
        "ratio": round(scan_seconds / reference_seconds, 2) if reference_seconds else None,
        "same_counts": same and same_next and resynced == 0,
        "incremental_seconds": round(incremental_seconds, 3),
        "resync_seconds": round(resync_seconds, 3),
        "ratio_with_resync": round((scan_seconds + resync_seconds) / reference_seconds, 2) if reference_seconds else None,
        "full_steps": {**full["steps"], "fk_checks": round(checks_full, 3)},
        "incremental_steps": {**incremental["steps"], "fk_checks": round(checks_incremental, 3)},
        "changed_full": full["changed"], "changed_incremental": incremental["changed"],
        "scanned_incremental": incremental["scanned"],
        "clocks": sum(got.values()), "counts": {"|".join(k): v for k, v in sorted(got.items())},
        "bench_cases_left": None,
    }


# --- duedates -------------------------------------------------------------------------------------------

def _scratch_model():
    """An unmanaged model over a scratch table of (start, workdays, due), created and dropped by the bench."""
    from django.apps import apps
    from django.db import models

    try:
        return apps.get_model("supervision", "BenchDueDate")
    except LookupError:
        pass

    class BenchDueDate(models.Model):
        start = models.DateField()
        workdays = models.IntegerField()
        due = models.DateField(null=True)

        class Meta:
            app_label = "supervision"
            db_table = "supervision_bench_duedate"
            managed = False

    return BenchDueDate


def _planner_settings() -> None:
    """What the daily scan sets for its own transaction (clocks.scan): no JIT, room to hash in memory."""
    if connection.vendor == "postgresql":
        from tongban.supervision.clocks import SCAN_WORK_MEM

        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(f"SET LOCAL work_mem = '{SCAN_WORK_MEM}'")


def naive_due(start: date, n: int) -> date:
    """Day by day over chinesecalendar: the n-th workday after `start` (0: the first workday on or after)."""
    import chinese_calendar

    day = start
    if n == 0:
        while not chinese_calendar.is_workday(day):
            day += timedelta(days=1)
        return day
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if chinese_calendar.is_workday(day):
            counted += 1
    return day


def run_duedates_bench(cases: int = 1_000_000, sample: int = 2000, *, log: Callable[[str], None] = print) -> dict:
    from tongban.workdays import clocks
    from tongban.workdays.services import ensure_years

    model = _scratch_model()
    rng = random.Random(5)
    first = date(2024, 1, 1)
    ensure_years(2024, 2026)
    table = connection.ops.quote_name(model._meta.db_table)
    key = "BIGSERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY AUTOINCREMENT"
    with connection.cursor() as cursor:  # a scratch table of this session (no schema editor: may run in a transaction)
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} (id {key}, start DATE NOT NULL, workdays INTEGER NOT NULL, due DATE)")
    try:
        made = 0
        while made < cases:
            batch = min(BATCH * 4, cases - made)
            model.objects.bulk_create([model(start=first + timedelta(days=rng.randint(0, 700)), workdays=rng.randint(0, 45))
                                       for _ in range(batch)], batch_size=BATCH)
            made += batch
        log(f"已生成 {cases} 个时钟")
        clock = clocks.Clock(model, start="start", workdays="workdays", due="due")
        with transaction.atomic():
            _planner_settings()
            computed, params = clocks.computed_due_dates(clock)
            tick = time.perf_counter()
            with connection.cursor() as cursor:  # every due date computed (COUNT reads each one), none written
                cursor.execute(f"SELECT COUNT(x.due), MIN(x.due), MAX(x.due) FROM ({computed}) x", params)
                computed_count = cursor.fetchone()[0]
            sql_seconds = time.perf_counter() - tick
        tick = time.perf_counter()
        with transaction.atomic():
            _planner_settings()
            clocks.update_due_dates(clock)
        stored_seconds = time.perf_counter() - tick
        rows = list(model.objects.order_by("?")[:sample].values_list("pk", "start", "workdays", "due")) if sample else []
        computed, params = clocks.computed_due_dates(clock, model.objects.filter(pk__in=[pk for pk, *_ in rows]))
        with connection.cursor() as cursor:
            cursor.execute(computed, params)
            fresh = dict(cursor.fetchall())
        tick = time.perf_counter()
        answers = [naive_due(start, n) for _, start, n, _ in rows]
        naive_seconds = time.perf_counter() - tick
        as_date = (lambda v: date.fromisoformat(v) if isinstance(v, str) else v)
        same = computed_count == cases and all(answer == due == as_date(fresh[pk])
                                               for answer, (pk, _, _, due) in zip(answers, rows))
        per_case = naive_seconds / len(rows) if rows else 0.0
        naive_total = per_case * cases
        speedup = round(naive_total / sql_seconds, 1) if sql_seconds else None
        speedup_stored = round(naive_total / stored_seconds, 1) if stored_seconds else None
        log(f"日历表：{cases} 个到期日一条 SELECT 算出 {sql_seconds:.2f} 秒（写入各行 {stored_seconds:.2f} 秒）；"
            f"逐日循环（chinesecalendar）抽样 {len(rows)} 个 {naive_seconds:.2f} 秒，折合 {cases} 个约 {naive_total:.1f} 秒；"
            f"答案一致：{'是' if same else '否'}")
        return {"cases": cases, "sample": len(rows), "database": connection.vendor,
                "sql_seconds": round(sql_seconds, 3), "stored_seconds": round(stored_seconds, 3),
                "naive_seconds_per_case": per_case, "naive_seconds_scaled": round(naive_total, 2),
                "speedup": speedup, "speedup_stored": speedup_stored, "same_answers": same}
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


# --- The benches (core/bench.py finds them) ---------------------------------------------------------------

def _supervision_arguments(parser) -> None:
    parser.add_argument("--cases", type=int, default=1_000_000, help="在办办件数（默认 1000000）")
    parser.add_argument("--units", type=int, default=10, help="部门数（默认 10）")
    parser.add_argument("--committed", action="store_true",
                        help="生成的数据与首次扫描先提交并 VACUUM（生产环境的次日早晨），计时的两天仍回滚，最后删除基准数据；"
                             "只用于专门的测试数据库")


def _supervision_run(*, log: Callable[[str], None], cases: int, units: int, committed: bool = False) -> dict:
    return run_supervision_bench(max(cases, 1), units=max(units, 1), committed=committed, log=log)


def _supervision_summary(report: dict) -> str:
    return (f"数据库 {report['database']}，{report['cases']} 件（{report['clocks']} 个时钟）：全量扫描 "
            f"{report['scan_seconds']} 秒，参照一条 SQL {report['reference_seconds']} 秒，比值 {report['ratio']}"
            f"（目标 ≤ {SCAN_GOAL_RATIO}）；计数一致：{'是' if report['same_counts'] else '否'}；增量扫描 "
            f"{report['incremental_seconds']} 秒（目标 PostgreSQL ≤ {INCREMENTAL_GOAL_SECONDS} 秒）；逐件核对全部办件（--resync）"
            f"{report['resync_seconds']} 秒，连同全量扫描比值 {report['ratio_with_resync']}")


def _duedates_arguments(parser) -> None:
    parser.add_argument("--cases", type=int, default=1_000_000, help="时钟数（默认 1000000）")
    parser.add_argument("--sample", type=int, default=2000, help="逐日循环的抽样数（默认 2000）")


def _duedates_run(*, log: Callable[[str], None], cases: int, sample: int) -> dict:
    return run_duedates_bench(max(cases, 1), max(min(sample, cases), 1), log=log)


def _duedates_summary(report: dict) -> str:
    return (f"数据库 {report['database']}：{report['cases']} 个到期日经日历表 {report['sql_seconds']} 秒；逐日循环折合 "
            f"{report['naive_seconds_scaled']} 秒；加速 {report['speedup']} 倍（目标 ≥ {SPEEDUP_GOAL}；算出并写入各行："
            f"{report['stored_seconds']} 秒，{report['speedup_stored']} 倍）；"
            f"答案一致：{'是' if report['same_answers'] else '否'}")


def _benches():
    from tongban.core.bench import Bench

    return [
        Bench(name="supervision", help="电子监察：全量扫描对照一条手写 SQL，及增量扫描", add_arguments=_supervision_arguments,
              run=_supervision_run, summary=_supervision_summary,
              json_keys=("cases", "scan_seconds", "reference_seconds", "ratio", "same_counts", "incremental_seconds")),
        Bench(name="duedates", help="到期日：日历表对照逐日循环 chinesecalendar", add_arguments=_duedates_arguments,
              run=_duedates_run, summary=_duedates_summary, json_keys=("cases", "speedup", "same_answers")),
    ]


BENCHES = _benches()
