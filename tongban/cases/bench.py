"""`tongban bench intake [--intakes 2000] [--workers 20] [--json]`: intakes through the real service from
concurrent worker processes (each with its own database connection), counting duplicate case numbers.

The workers are processes, not threads, so the figure measures the service and the database rather than one
interpreter's lock: each is forked after the parent closed its connections and opens its own. The data lives in
its own corner (unit `bench-intake`, window `BENCH01`, one item) and the cases it made are deleted afterwards.
On SQLite the writers take turns (a busy writer makes the others wait, and a worker retries when the database
stays locked), so the figure that matters is PostgreSQL's; an in-memory SQLite database (the tests') cannot be
shared between processes, so there the workers are threads. On both the number of duplicates must be 0: the
sequence row is claimed by an UPDATE held to the end of each intake's transaction.
Reference (issue 10): ≥ 250 intakes/s on a 2-core machine, 0 duplicates.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable

from django.db import OperationalError, connection, connections
from django.db.models import Count

GOAL_PER_SECOND = 250


def _corner():
    from tongban.catalog import services as catalog
    from tongban.catalog.models import ServiceItem
    from tongban.org import services as org
    from tongban.org.defaults import ensure_unit_kinds
    from tongban.org.models import Staff, Unit, Window

    kinds = ensure_unit_kinds()
    unit = Unit.objects.filter(code="bench-intake").first() or org.create_unit(
        code="bench-intake", name="基准测试受理中心", kind=kinds["center"])
    window = Window.objects.filter(code="BENCH01").first() or org.create_window(
        code="BENCH01", name="基准测试综合受理窗口", kind="intake", unit=unit)
    staff = Staff.objects.filter(staff_no="bench-clerk").select_related("user", "window").first() or org.create_staff(
        staff_no="bench-clerk", name="基准测试窗口", unit=unit, window=window, role="window_clerk",
        username="bench-clerk")
    item = ServiceItem.objects.filter(implementation_code="BENCH-ITEM").first() or catalog.create_item(
        name="基准测试事项", basic_code="BENCH", implementation_code="BENCH-ITEM", implementing_unit=unit,
        promised_days=5, materials=[{"identity": catalog.ensure_identity("bench_form", "申请表")}])
    # As the intake page reads them: the window with its unit and kind, the clerk with their staff record.
    window = Window.objects.select_related("unit__kind").get(pk=window.pk)
    clerk = type(staff.user).objects.select_related("staff__window", "staff__unit").get(pk=staff.user_id)
    return window, clerk, item


APPLICANT = {"applicant_kind": "person", "applicant_name": "基准", "id_number": "11010519491231002X",
             "phone": "13800001234"}


def _intakes(count: int, window, clerk, item) -> tuple[list[str], list[str]]:
    """`count` intakes through `receive_case`: the numbers handed out, and the errors of intakes that never
    got through (SQLite: the database stayed locked twenty times)."""
    from tongban.cases.services import intake

    numbers, failures = [], []
    for _ in range(count):
        for attempt in range(20):
            try:
                numbers.append(intake.receive_case(by=clerk, window=window, item=item, applicant=APPLICANT,
                                                   materials={"bench_form": "received"}).number)
                break
            except OperationalError as exc:  # SQLite: the database stayed locked; take another turn
                if attempt == 19:
                    failures.append(str(exc))
    return numbers, failures


def _server_cpu_seconds() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend, when the server runs on this machine
    (read from /proc); None otherwise."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _process_worker(count: int, window, clerk, item, ready, results) -> None:
    """One forked worker: a connection of its own (the parent closed its own before forking), ready at the
    barrier, then its intakes; what it got, and the CPU it and its database backend used, go back through
    the queue."""
    numbers, failures, client, server = [], [], 0.0, None
    try:
        connections.close_all()
        server_before = _server_cpu_seconds()  # opens the connection before the clock starts
        ready.wait(timeout=300)
        client_before = time.process_time()
        numbers, failures = _intakes(count, window, clerk, item)
        client = time.process_time() - client_before
        server_after = _server_cpu_seconds()
        server = None if server_before is None or server_after is None else server_after - server_before
    except Exception as exc:  # noqa: BLE001 — reported to the parent, which counts it as a failure
        failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        connections.close_all()
        results.put((numbers, failures, client, server))


def _run_processes(per_worker: list[int], window, clerk, item) -> tuple[list[str], list[str], float, dict]:
    context = multiprocessing.get_context("fork")
    ready, results = context.Barrier(len(per_worker) + 1), context.Queue()
    connections.close_all()  # a forked child must never share the parent's socket
    workers = [context.Process(target=_process_worker, args=(count, window, clerk, item, ready, results))
               for count in per_worker]
    for worker in workers:
        worker.start()
    ready.wait(timeout=300)  # every worker forked and connected: the clock starts
    started = time.perf_counter()
    numbers, failures, client, server = [], [], 0.0, 0.0
    for _ in workers:
        mine, failed, client_cpu, server_cpu = results.get()
        numbers += mine
        failures += failed
        client += client_cpu
        server = None if server is None or server_cpu is None else server + server_cpu
    seconds = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return numbers, failures, seconds, {"client": client, "server": server}


def _run_threads(per_worker: list[int], window, clerk, item) -> tuple[list[str], list[str], float]:
    barrier = threading.Barrier(len(per_worker))
    numbers: list[str] = []
    failures: list[str] = []
    guard = threading.Lock()

    def work(count: int) -> None:
        mine, failed = [], []
        try:
            barrier.wait()
            mine, failed = _intakes(count, window, clerk, item)
        finally:
            with guard:
                numbers.extend(mine)
                failures.extend(failed)
            connection.close()

    threads = [threading.Thread(target=work, args=(count,)) for count in per_worker]
    started, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return numbers, failures, time.perf_counter() - started, {"client": time.process_time() - cpu, "server": None}


def shared_between_processes() -> bool:
    """Whether another process can open this database: not an in-memory SQLite database."""
    return not (connection.vendor == "sqlite" and connection.is_in_memory_db())


def run_intake_bench(intakes: int = 2000, workers: int = 20, *, log: Callable[[str], None] = print) -> dict:
    from tongban.cases.models import Case

    window, clerk, item = _corner()
    per_worker = [intakes // workers + (1 if w < intakes % workers else 0) for w in range(workers)]
    kind = "processes" if shared_between_processes() else "threads"
    run = _run_processes if kind == "processes" else _run_threads
    numbers, failures, seconds, cpu = run(per_worker, window, clerk, item)
    made = Case.objects.filter(intake_window=window)
    stored_duplicates = made.values("number").annotate(n=Count("pk")).filter(n__gt=1).count()
    duplicates = len(numbers) - len(set(numbers)) + stored_duplicates
    made.delete()
    log(f"{len(numbers)} 件收件，{workers} 个并发{'进程' if kind == 'processes' else '线程'}，{seconds:.1f} 秒，"
        f"失败 {len(failures)}")
    for failure in sorted(set(failures))[:3]:
        log(f"  失败：{failure}")
    per_intake = {f"{side}_cpu_ms": round(value * 1000 / len(numbers), 2) if numbers and value is not None else None
                  for side, value in cpu.items()}
    if per_intake["client_cpu_ms"] is not None:
        log(f"每件 CPU：工作进程 {per_intake['client_cpu_ms']} 毫秒"
            + (f"，数据库 {per_intake['server_cpu_ms']} 毫秒" if per_intake["server_cpu_ms"] is not None else ""))
    return {"intakes": len(numbers), "seconds": round(seconds, 2),
            "per_second": round(len(numbers) / seconds, 1) if seconds else 0.0, "duplicates": duplicates,
            "database": connection.vendor, "workers": kind, "failures": len(failures), **per_intake}


# --- `tongban bench cases`: the busiest list pages over many cases ------------------------------------------

PAGE_GOAL_P95_MS = 100
BATCH = 5000


def _cases_corner(units: int):
    from tongban.catalog import services as catalog
    from tongban.catalog.models import ServiceItem
    from tongban.org import services as org
    from tongban.org.defaults import ensure_unit_kinds
    from tongban.org.models import Staff, Unit, Window

    kinds = ensure_unit_kinds()
    center = Unit.objects.filter(code="bench-cases").first() or org.create_unit(
        code="bench-cases", name="基准测试中心", kind=kinds["center"])
    depts, windows, items = [], [], []
    for n in range(units):
        dept = Unit.objects.filter(code=f"bench-dept-{n}").first() or org.create_unit(
            code=f"bench-dept-{n}", name=f"基准测试部门{n}", kind=kinds["department"], parent=center)
        depts.append(dept)
        windows.append(Window.objects.filter(code=f"BENCHW{n}").first() or org.create_window(
            code=f"BENCHW{n}", name=f"基准测试窗口{n}", kind="intake", unit=dept))
        items.append(ServiceItem.objects.filter(implementation_code=f"BENCH-C{n}").first() or catalog.create_item(
            name=f"基准测试事项{n}", basic_code="BENCHC", implementation_code=f"BENCH-C{n}", implementing_unit=dept,
            promised_days=5))
    reviewer = Staff.objects.filter(staff_no="bench-reviewer").first() or org.create_staff(
        staff_no="bench-reviewer", name="基准审查", unit=depts[0], role="staff", username="bench-reviewer")
    leader = Staff.objects.filter(staff_no="bench-leader").first() or org.create_staff(
        staff_no="bench-leader", name="基准领导", unit=center, role="unit_head", username="bench-leader")
    return center, depts, windows, items, reviewer.user, leader.user


def _load(count: int, depts, windows, items, log) -> list[str]:
    """Synthetic cases and one task each, by bulk insert (no services: a million intakes would take hours);
    the stored clock columns are filled directly, as the services would."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from tongban.cases.models import Case, CaseTask

    rng = random.Random(7)
    today = timezone.localdate()
    statuses = ["received", "reviewing", "reviewing", "reviewing", "ready", "closed", "closed", "closed"]
    numbers = []
    made = 0
    while made < count:
        batch = min(BATCH, count - made)
        rows = []
        for i in range(made, made + batch):
            n = i % len(depts)
            received = today - timedelta(days=rng.randint(0, 120))
            status = statuses[rng.randrange(len(statuses))]
            due = received + timedelta(days=rng.randint(3, 30))
            number = f"999999{received:%Y%m%d}{i:07d}"  # the real shape: digits, region + date + sequence
            numbers.append(number)
            rows.append(Case(number=number, item=items[n], title=items[n].name, applicant_kind="person",
                             applicant_name=f"申请人{i}", id_type="resident_id", id_number=f"41052319900101{i % 10000:04d}",
                             phone="13800001234", intake_window=windows[n], intake_unit=depts[n], status=status,
                             received_on=received, accepted_on=received, clock_start=received, budget_workdays=5,
                             due_date=due, warn_date=due - timedelta(days=1),
                             decided_on=received + timedelta(days=3) if status in ("ready", "closed") else None))
        Case.objects.bulk_create(rows, batch_size=BATCH)
        ids = Case.objects.filter(number__in=[r.number for r in rows]).values_list("pk", "intake_unit_id", "status",
                                                                                     "due_date", "received_on")
        CaseTask.objects.bulk_create([
            CaseTask(case_id=pk, item=items[depts.index(next(d for d in depts if d.pk == unit))], unit_id=unit,
                     stage=1, status="reviewing" if status == "reviewing" else "approved", opened_on=received,
                     budget_workdays=5, clock_workdays=5, due_date=due)
            for pk, unit, status, due, received in ids], batch_size=BATCH)
        made += batch
        if made % 100000 == 0 or made == count:
            log(f"已生成 {made} 件")
    return numbers


def run_cases_bench(cases: int = 1_000_000, clients: int = 20, requests: int = 400, *, units: int = 10,
                    log: Callable[[str], None] = print) -> dict:
    """Loads `cases` synthetic cases, times the busiest list pages from `clients` concurrent clients, then
    removes them. Pages: a reviewer's 待审查, a leader's list filtered by unit and status, search by number."""
    import random

    from django.test import Client

    from tongban.cases.models import Case, CaseTask

    center, depts, windows, items, reviewer, leader = _cases_corner(units)
    started = time.perf_counter()
    numbers = _load(cases, depts, windows, items, log)
    built = time.perf_counter() - started
    rng = random.Random(11)
    pages = [("review_queue", reviewer, "/cases/review/"),
             ("leader_list", leader, f"/cases/?intake_unit={depts[1].pk}&status=reviewing"),
             ("search_number", leader, "/cases/?q={number}")]
    timings: list[float] = []
    by_page: dict[str, list[float]] = {name: [] for name, _, _ in pages}
    guard = threading.Lock()
    per_client = max(requests // clients, 1)

    def client_work(seed: int) -> None:
        own = random.Random(seed)
        browsers = {user.pk: Client() for user in (reviewer, leader)}
        for user in (reviewer, leader):
            browsers[user.pk].force_login(user)
        mine = []
        try:
            for _ in range(per_client):
                name, user, url = pages[own.randrange(len(pages))]
                url = url.format(number=numbers[own.randrange(len(numbers))])
                tick = time.perf_counter()
                response = browsers[user.pk].get(url)
                mine.append((name, (time.perf_counter() - tick) * 1000))
                if response.status_code != 200:
                    raise RuntimeError(f"{url}: {response.status_code}")
        finally:
            with guard:
                for name, ms in mine:
                    timings.append(ms)
                    by_page[name].append(ms)
            connection.close()

    threads = [threading.Thread(target=client_work, args=(rng.randrange(10**6),)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    CaseTask.objects.filter(unit__in=depts).delete()
    Case.objects.filter(intake_window__in=windows).delete()
    log(f"{cases} 件（生成 {built:.0f} 秒），{len(timings)} 次请求，{clients} 个并发")
    for name, values in by_page.items():
        log(f"  {name}: p50 {_percentile(values, 50)} 毫秒，p95 {_percentile(values, 95)} 毫秒（{len(values)} 次）")
    return {"cases": cases, "p50_ms": _percentile(timings, 50), "p95_ms": _percentile(timings, 95),
            "requests": len(timings), "database": connection.vendor,
            "pages": {name: {"p50_ms": _percentile(v, 50), "p95_ms": _percentile(v, 95)} for name, v in by_page.items()}}


def _percentile(values: list[float], percent: int) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[max(int(round(len(ordered) * percent / 100)) - 1, 0)], 1)


# --- `tongban bench intake` and `tongban bench cases` (core/bench.py finds them) ------------------------------

def _intake_arguments(parser) -> None:
    parser.add_argument("--intakes", type=int, default=2000, help="收件数（默认 2000）")
    parser.add_argument("--workers", type=int, default=20, help="并发数（默认 20）")


def _intake_run(*, log: Callable[[str], None], intakes: int, workers: int) -> dict:
    return run_intake_bench(max(intakes, 1), max(workers, 1), log=log)


def _intake_summary(report: dict) -> str:
    return (f"数据库 {report['database']}：{report['per_second']} 件/秒（参照 ≥ {GOAL_PER_SECOND} 件/秒），"
            f"重复编号 {report['duplicates']}（参照 0）")


def _cases_arguments(parser) -> None:
    parser.add_argument("--cases", type=int, default=1_000_000, help="办件数（默认 1000000）")
    parser.add_argument("--clients", type=int, default=20, help="并发数（默认 20）")
    parser.add_argument("--requests", type=int, default=400, help="请求总数（默认 400）")


def _cases_run(*, log: Callable[[str], None], cases: int, clients: int, requests: int) -> dict:
    return run_cases_bench(max(cases, 1), max(clients, 1), max(requests, 1), log=log)


def _cases_summary(report: dict) -> str:
    return (f"数据库 {report['database']}：p50 {report['p50_ms']} 毫秒，p95 {report['p95_ms']} 毫秒"
            f"（参照 p95 ≤ {PAGE_GOAL_P95_MS} 毫秒）")


def _benches():
    from tongban.core.bench import Bench

    return [
        Bench(name="intake", help="收件登记：并发收件的速度与重复办件编号", add_arguments=_intake_arguments,
              run=_intake_run, summary=_intake_summary, json_keys=("intakes", "seconds", "per_second", "duplicates")),
        Bench(name="cases", help="办件列表：大量办件下待审查、领导列表与按编号搜索的 p50 / p95", add_arguments=_cases_arguments,
              run=_cases_run, summary=_cases_summary, json_keys=("cases", "p50_ms", "p95_ms")),
    ]


BENCHES = _benches()
