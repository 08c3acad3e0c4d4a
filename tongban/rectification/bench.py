"""`tongban bench ledger --measures 20000 [--json]`: the ledger at a large county's size, timed page by
page against a reference measured in the same run, then rolled back.

The data is built the way a county builds it: units and the two people whose pages are timed through
`org.services`, the rest of the staff by bulk insert; each inspection's ledger written as an office
writes it (`benchmark.write_ledger`) and imported through `importing.import_ledger`; evidence records
(1.3 per measure) by bulk insert; the catalogue (2,000 items with 10,000 materials by default) imported
from `catalog.benchmark.write_benchmark_workbook` through `catalog.excel.import_path`.

Every figure is the best of `runs` timings after one warm-up, beside its reference:
- a page: the plain SELECT of the rows it is about (every row of its list or dashboard in the user's
  scope, the columns it shows, joined names; no derived expression), through a raw cursor;
- an export: a plain write-only workbook (openpyxl, no styles) of exactly the same cells;
- a job: the plain SELECT of the rows it reads. Each job run is rolled back to a savepoint so every
  timing does the same work.
The ratio is ms / reference_ms. Goals (issue 18): pages ≤ 300 ms and ≤ 3× their reference; exports
≤ 2× the plain write. Nothing is kept: the whole run is one transaction that is rolled back (on SQLite
it holds the write lock meanwhile — run it on a copy, not on a live server).
"""
from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from django.db import connection, transaction
from django.db.models.functions import Coalesce
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from tongban.core.paging import PER_PAGE

PAGE_GOAL_MS, PAGE_GOAL_RATIO, EXPORT_GOAL_RATIO = 300, 3, 2
LEDGER_ROWS = 400  # measures per inspection: 20,000 measures are 50 inspections
EVIDENCE_PER_MEASURE = 1.3
TOWNSHIPS, UNITS_PER_TOWNSHIP, SECTIONS = 30, 15, 20  # 30 + 450 + 20 = 500 units
PAGES = [
    "/rectification/",
    "/rectification/?inspection=all",
    "/rectification/lists/tasks/",
    "/rectification/lists/responsibility/",
    "/rectification/lists/problems/",
    "/rectification/lists/results/",
    "/rectification/overdue/",
    "/api/v1/measures/",
]


def run_bench(measures: int = 20000, *, items: int = 2000, runs: int = 3, log: Callable[[str], None] = print) -> dict:
    with transaction.atomic():
        started = time.perf_counter()
        people = _build(measures, items, log)
        _analyze()
        built = time.perf_counter() - started
        log(f"数据已生成（{built:.0f} 秒），开始计时……")
        report = {
            "database": connection.vendor, "measures": _count_measures(), "build_seconds": round(built, 1),
            "floor_ms": _floor(people, runs),
            "pages": _pages(people, runs), "exports": _exports(people, runs), "jobs": _jobs(runs),
        }
        transaction.set_rollback(True)
    report["goals"] = {
        "pages": all(v["ms"] <= PAGE_GOAL_MS and v["ratio"] <= PAGE_GOAL_RATIO for v in report["pages"].values()),
        "exports": all(v["ratio"] <= EXPORT_GOAL_RATIO for v in report["exports"].values()),
    }
    return report


# --- Building ---------------------------------------------------------------------------------------

def _build(measures: int, items: int, log) -> dict:
    from tongban.org import services as org
    from tongban.org.choices import Role
    from tongban.org.models import Staff, Unit, UnitKind

    kinds = {code: UnitKind.objects.get_or_create(code=code, defaults={"name": name})[0]
             for code, name in (("section", "股室"), ("township", "乡镇便民服务中心"), ("village", "村便民服务点"))}
    root = org.create_unit(code="bench-root", name="基准测试中心", kind=kinds["section"])
    names, townships = [], []
    for t in range(1, TOWNSHIPS + 1):
        township = org.create_unit(code=f"bench-t{t:02d}", name=f"基准乡镇{t:02d}", kind=kinds["township"], parent=root)
        townships.append(township)
        names.append(township.name)
        for v in range(1, UNITS_PER_TOWNSHIP + 1):
            names.append(org.create_unit(code=f"bench-t{t:02d}-{v:02d}", name=f"基准乡镇{t:02d}第{v:02d}点",
                                         kind=kinds["village"], parent=township).name)
    for s in range(1, SECTIONS + 1):
        names.append(org.create_unit(code=f"bench-s{s:02d}", name=f"基准股室{s:02d}", kind=kinds["section"],
                                     parent=root).name)
    leader = org.create_staff(staff_no="bench-leader", name="基准主任", unit=root, role=Role.CENTER_LEADER,
                              username="bench-leader").user
    township_admin = org.create_staff(staff_no="bench-township", name="基准乡镇管理员", unit=townships[0],
                                      role=Role.TOWNSHIP_ADMIN, username="bench-township").user
    units = list(Unit.objects.filter(code__startswith="bench-"))
    Staff.objects.bulk_create([Staff(staff_no=f"bench-{n:04d}", name=f"基准人员{n}", unit=units[n % len(units)])
                               for n in range(2000)], batch_size=500)
    log(f"单位 {len(units)} 个、人员 2000 人")
    _import_ledgers(measures, names, leader, log)
    _add_evidence()
    _import_catalogue(items, log)
    return {"center_leader": leader, "township_admin": township_admin}


def _import_ledgers(measures: int, names: list[str], by, log) -> None:
    from tongban.rectification import services
    from tongban.rectification.benchmark import write_ledger
    from tongban.rectification.importing import import_ledger
    from tongban.rectification.ledger_parsing import parse_ledger

    inspections = max(1, -(-measures // LEDGER_ROWS))
    with tempfile.TemporaryDirectory() as folder:
        for n in range(inspections):
            rows = min(LEDGER_ROWS, measures - n * LEDGER_ROWS)
            path = Path(folder) / f"ledger{n}.xlsx"
            # Deadlines from 2023 to 2027: some long overdue, some not yet due.
            write_ledger(path, rows, names[n * 7 % len(names):] + names[:n * 7 % len(names)], year=2023 + n % 5)
            inspection = services.create_inspection(title=f"基准测试第{n + 1}轮巡察", body="县委", group=f"县委第{n + 1}巡察组",
                                                    inspected_unit=by.staff.unit, feedback_date=date(2023, 6, 1), by=by)
            result = import_ledger(parse_ledger(str(path)), inspection=inspection, by=by)
            if result.errors:
                raise RuntimeError(f"基准台账导入失败：{result.errors[:3]}")
            if (n + 1) % 10 == 0 or n + 1 == inspections:
                log(f"已导入 {n + 1}/{inspections} 轮巡察台账")


def _add_evidence() -> None:
    """Evidence records (the files themselves are not the point here), EVIDENCE_PER_MEASURE per measure."""
    from tongban.rectification.models import Evidence, Measure, ProgressUpdate

    ids = list(Measure.objects.values_list("pk", flat=True))
    updates = ProgressUpdate.objects.bulk_create([ProgressUpdate(measure_id=pk, text="已按计划推进") for pk in ids],
                                                 batch_size=1000)
    total = int(len(ids) * EVIDENCE_PER_MEASURE)
    Evidence.objects.bulk_create(
        [Evidence(update=updates[n % len(updates)], file=f"rectification/evidence/bench/{n}.pdf",
                  original_name=f"佐证材料{n}.pdf", extension="pdf", size=1024, sha256="0" * 64)
         for n in range(total)], batch_size=1000)


def _import_catalogue(items: int, log) -> None:
    if not items:
        return
    from tongban.catalog.benchmark import write_benchmark_workbook
    from tongban.catalog.excel import import_path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalogue.xlsx"
        write_benchmark_workbook(path, items)
        import_path(path)
    log(f"事项目录 {items} 项已导入")


def _analyze() -> None:
    """PostgreSQL: refresh the planner's statistics, as autovacuum does on a live database soon after a
    county's data arrives. Inside this transaction autovacuum cannot see the new rows, and the planner
    chose plans for the tables as they were (a sequential scan of 20,000 measures where the index on
    finding_id serves). SQLite keeps no statistics unless ANALYZE is run, and tongban never runs it:
    there the bench measures what a server has."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _count_measures() -> int:
    from tongban.rectification.models import Measure

    return Measure.objects.count()


# --- Timing -----------------------------------------------------------------------------------------

def _best_ms(func: Callable[[], object], runs: int) -> float:
    func()  # warm-up: caches, the session, compiled templates
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def _entry(ms: float, reference_ms: float) -> dict:
    return {"ms": ms, "reference_ms": reference_ms, "ratio": round(ms / reference_ms, 2) if reference_ms else None}


def _plain_select(queryset, *columns: str) -> Callable[[], object]:
    sql, params = queryset.values_list(*columns).query.sql_with_params()

    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def _count_sql(queryset) -> Callable[[], object]:
    """SELECT COUNT(*) of the rows (the figure a list shows above its table)."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()

    def run():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS rows", params)
            return cursor.fetchone()

    return run


def _page_then(page: Callable[[], list], *more: Callable[[list], object]) -> Callable[[], object]:
    """A page's rows (ids first), then what is read for exactly those rows (their units, their counts)."""
    def run():
        rows = page()
        ids = [row[0] for row in rows]
        return rows, [then(ids) for then in more]
    return run


def _for_ids(queryset_for: Callable[[list], object], *columns: str) -> Callable[[list], object]:
    def run(ids):
        return _plain_select(queryset_for(ids), *columns)()
    return run


def _all(*selects: Callable[[], object]) -> Callable[[], object]:
    return lambda: [select() for select in selects]


def _references(user, today: date) -> dict[str, Callable[[], object]]:
    """For each page, the plain SELECTs of what it shows, through a raw cursor, no derived expression:
    - a list page (50 rows after a cursor, a count, a filter bar): the 51 rows in the page's order with
      the columns shown and joined names, what is shown for exactly those rows (their units, their
      evidence or measure counts), the COUNT(*) shown above the table, the options of the filter bar
      (units and inspections in scope);
    - the dashboard: every measure its figures count (the columns counted), the inspections it offers;
    - the API: the 51 rows of a page with the serialized columns, their units and checkpoints."""
    from tongban.org.models import Unit
    from tongban.rectification.models import Checkpoint, Evidence, Finding, Inspection, Measure, MeasureUnit

    measures = Measure.objects.visible_to(user)
    page = PER_PAGE + 1
    shown = ("pk", "text", "lead_unit__name", "deadline", "status", "due_date", "finding__description",
             "finding__aspect__title", "responsible_leader_name", "responsible_person_name")
    units_of = _for_ids(lambda ids: MeasureUnit.objects.filter(measure_id__in=ids).order_by("role", "pk"),
                        "measure_id", "role", "unit__name")
    inspections = Inspection.objects.visible_to(user).order_by("-feedback_date", "-pk")
    filter_bar = _all(_plain_select(Unit.objects.visible_to(user).order_by("path"), "pk", "name"),
                      _plain_select(inspections, "pk", "title"))
    latest = measures.filter(finding__inspection=inspections.values("pk")[:1])
    dashboard = ("status", "due_date", "verified_at", "lead_unit__name", "finding__aspect__number",
                 "finding__aspect__title")
    ledger = measures.order_by("finding__aspect__number", "finding__number", "number", "pk")
    verified = measures.filter(status="verified")
    findings = Finding.objects.visible_to(user)
    roles = MeasureUnit.objects.filter(measure__in=measures.values("pk"))
    return {
        "/rectification/": _all(_plain_select(latest, *dashboard), _plain_select(inspections, "pk", "title")),
        "/rectification/?inspection=all": _all(_plain_select(measures, *dashboard),
                                               _plain_select(inspections, "pk", "title")),
        "/rectification/lists/tasks/": _all(_page_then(_plain_select(ledger[:page], *shown), units_of),
                                            _count_sql(measures), filter_bar),
        "/rectification/lists/responsibility/": _all(
            _plain_select(roles.order_by("unit__path", "role", "measure__deadline", "measure_id", "pk")[:page],
                          "pk", "unit__name", "role", "measure__text", "measure__responsible_leader_name",
                          "measure__responsible_person_name", "measure__deadline", "measure__status"),
            _count_sql(roles), filter_bar),
        "/rectification/lists/problems/": _all(
            _page_then(_plain_select(findings.order_by("inspection_id", "aspect__number", "number", "pk")[:page],
                                     "pk", "description", "kind", "aspect__number", "aspect__title"),
                       _for_ids(lambda ids: measures.filter(finding_id__in=ids), "finding_id", "status")),
            _count_sql(findings), _plain_select(inspections, "pk", "title")),
        "/rectification/lists/results/": _all(
            _page_then(_plain_select(verified.order_by(Coalesce("verified_at", "created_at"), "pk")[:page], "pk", "text", "result",
                                     "lead_unit__name", "verified_at", "finding__description"),
                       _for_ids(lambda ids: Evidence.objects.filter(update__measure_id__in=ids), "update__measure_id")),
            _count_sql(verified), filter_bar),
        "/rectification/overdue/": _all(
            _plain_select(measures.past_due(today).order_by("due_date", "pk")[:page], *shown),
            _count_sql(measures.past_due(today)), filter_bar),
        "/api/v1/measures/": _page_then(
            _plain_select(measures.order_by("pk")[:page], *shown, "number", "source_kind", "deadline_kind",
                          "progress_note", "result", "submitted_at", "verified_at", "version", "finding__inspection_id"),
            units_of,
            _for_ids(lambda ids: Checkpoint.objects.filter(measure_id__in=ids), "measure_id", "due_date", "reported_at"),
            _for_ids(lambda ids: Evidence.objects.filter(update__measure_id__in=ids), "update__measure_id")),
    }


def _pages(people: dict, runs: int) -> dict:
    today = timezone.localdate()
    results = {}
    for role, user in people.items():
        client = Client()
        client.force_login(user)
        references = _references(user, today)
        for url in PAGES:
            def get(url=url):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
            key = url if role == "center_leader" else f"{url} ({role})"
            results[key] = _entry(_best_ms(get, runs), _best_ms(references[url], runs))
    return results


FLOOR_PAGE = "/password/"  # the lightest signed-in page: session, user, middleware, the layout and its menu


def _floor(people: dict, runs: int) -> dict:
    """What any signed-in page costs before it reads a row (FLOOR_PAGE), per person: a page whose own
    rows take a millisecond cannot come within 3× of them, whatever it does."""
    floors = {}
    for role, user in people.items():
        client = Client()
        client.force_login(user)
        floors[role] = _best_ms(lambda client=client: client.get(FLOOR_PAGE), runs)
    return floors


def _plain_workbook(rows: list[list]) -> Callable[[], object]:
    def write():
        book = Workbook(write_only=True)
        sheet = book.create_sheet("参照")
        for row in rows:
            sheet.append(row)
        book.save(io.BytesIO())
    return write


def _exports(people: dict, runs: int) -> dict:
    from tongban.catalog import excel as catalog_excel
    from tongban.catalog.models import ServiceItem
    from tongban.documents.models import Export
    from tongban.rectification.exports import KIND, write_list
    from tongban.rectification.lists import LISTS

    user, today = people["center_leader"], timezone.localdate()
    results = {}
    for slug in ("results", "tasks"):
        spec = LISTS[slug]
        export = Export(kind=KIND, by=user, params={"list": slug, "overdue": False, "query": "",
                                                     "today": today.isoformat()})
        rows = spec.rows(spec.base_queryset(user, today))
        cells = [spec.cells(row) for row in spec.iterate(rows, user)]
        results[f"/rectification/lists/{slug}/?export=xlsx"] = _entry(
            _best_ms(lambda: write_list(export, io.BytesIO(), lambda done: None), runs),
            _best_ms(_plain_workbook(cells), runs))
    items = ServiceItem.objects.visible_to(user)
    if items.exists():
        from openpyxl import load_workbook

        written = load_workbook(io.BytesIO(catalog_excel.export_bytes(items)), read_only=True)
        sheets = {title: [list(row) for row in written[title].iter_rows(values_only=True)]
                  for title in catalog_excel.SHEETS}

        def plain():
            plain_book = Workbook(write_only=True)
            for title, rows in sheets.items():
                sheet = plain_book.create_sheet(title)
                for row in rows:
                    sheet.append(row)
            plain_book.save(io.BytesIO())
        results["/catalog/export.xlsx"] = _entry(_best_ms(lambda: catalog_excel.export_bytes(items), runs),
                                                 _best_ms(plain, runs))
    return results


def _in_savepoint(func: Callable[[], object]) -> Callable[[], object]:
    def run():
        with transaction.atomic():
            func()
            transaction.set_rollback(True)
    return run


def _jobs(runs: int) -> dict:
    from tongban.rectification import services
    from tongban.rectification.models import Bulletin, Measure, MeasureUnit

    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    daily_rows = _plain_select(Measure.objects.past_due(today), "pk", "due_date", "status", "lead_unit_id", "text",
                               "responsible_leader_id", "responsible_person_id")
    results = {
        "rectification.detect_overdue": _entry(
            _best_ms(_in_savepoint(lambda: services.record_overdue(today)), runs), _best_ms(daily_rows, runs)),
        "rectification.weekly_reminders": _entry(
            _best_ms(_in_savepoint(lambda: services.send_weekly_reminders(monday)), runs),
            _best_ms(_plain_select(MeasureUnit.objects.all(), "unit_id", "role", "measure__status",
                                   "measure__due_date"), runs)),
        "rectification.monthly_bulletin": _entry(
            _best_ms(_in_savepoint(lambda: (Bulletin.objects.filter(month=month).delete(),
                                            services.publish_monthly_bulletin(month, today=today))), runs),
            _best_ms(_plain_select(Measure.objects.all(), "status", "due_date", "verified_at", "created_at",
                                   "lead_unit__name"), runs)),
    }
    # The day after: what is left to record once yesterday's overdue measures were claimed.
    with transaction.atomic():
        services.record_overdue(today)
        results["rectification.detect_overdue (next day)"] = _entry(
            _best_ms(_in_savepoint(lambda: services.record_overdue(today + timedelta(days=1))), runs),
            _best_ms(daily_rows, runs))
        transaction.set_rollback(True)
    return results


# --- `tongban bench ledger` (core/bench.py finds it) ---------------------------------------------------------

def _ledger_arguments(parser) -> None:
    parser.add_argument("--measures", type=int, default=20000, help="整改措施数（默认 20000）")
    parser.add_argument("--items", type=int, default=2000, help="事项目录的事项数（默认 2000；0 为不测目录导出）")
    parser.add_argument("--runs", type=int, default=3, help="每项计时次数，取最好成绩（默认 3）")


def _ledger_run(*, log: Callable[[str], None], measures: int, items: int, runs: int) -> dict:
    return run_bench(measures, items=items, runs=runs, log=log)


def _ledger_summary(report: dict) -> str:
    lines = [f"\n数据库 {report['database']}，整改措施 {report['measures']} 项（生成 {report['build_seconds']} 秒，已回滚）"]
    floors = "、".join(f"{role} {ms} 毫秒" for role, ms in report["floor_ms"].items())
    lines.append(f"最轻的登录后页面（{FLOOR_PAGE}）：{floors}")
    for section, title in (("pages", "页面"), ("exports", "导出"), ("jobs", "任务")):
        lines.append(f"\n{title}（毫秒 / 参照毫秒 = 倍数）")
        for name, row in report[section].items():
            lines.append(f"  {row['ms']:>9.1f} / {row['reference_ms']:>8.1f} = {row['ratio']:>6}  {name}")
    lines.append(
        f"\n目标：页面 ≤ {PAGE_GOAL_MS} 毫秒且 ≤ 参照的 {PAGE_GOAL_RATIO} 倍："
        f"{'达标' if report['goals']['pages'] else '未达标'}；导出 ≤ 参照的 {EXPORT_GOAL_RATIO} 倍："
        f"{'达标' if report['goals']['exports'] else '未达标'}。")
    return "\n".join(lines)


def _benches():
    from tongban.core.bench import Bench

    from tongban.rectification import signals_bench

    return [Bench(name="ledger", help="整改台账：页面、导出与日/周/月任务，与参照操作比较（结束后回滚）",
                  add_arguments=_ledger_arguments, run=_ledger_run, summary=_ledger_summary),
            Bench(name="signals", help="整改提示：2 万项措施、5 万份佐证材料的计算，与 hashlib 和普通 SELECT 比较（结束后回滚）",
                  add_arguments=signals_bench._arguments, run=signals_bench.run, summary=signals_bench._summary,
                  json_keys=signals_bench.JSON_KEYS)]


BENCHES = _benches()
