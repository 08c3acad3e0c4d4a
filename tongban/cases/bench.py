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

from django.conf import settings
from django.db import OperationalError, connection, connections
from django.db.models import Count

from tongban.core.bench import forget_inherited_connections

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
        forget_inherited_connections()
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
#
# Why processes and a real server: the first version sent the requests from 20 threads of one Python process
# through Django's test Client, so the 20 "clients" took turns on one interpreter lock and the figure (p95
# 1,134 ms at 1M) measured the lock, not the pages. Here the pages are served the way a centre serves them —
# gunicorn (in requirements.txt) with `workers` sync worker processes on a local port — and each of the
# `clients` concurrent clients is its own process sending plain HTTP requests with a logged-in session
# cookie. The server and the clients are forked from this process, so they read the same database (a test
# database too). By default the clients send their requests back to back (a closed loop, the hardest case of
# "20 people at once"); then latency ≈ clients / throughput (Little's law), and p95 ≤ 100 ms for 20 clients
# asks ≥ ~200 pages/s of the machine, about 10 ms of CPU per page on 2 cores, which is why pages/s is printed
# too. `--think-ms` makes each client pause like a person reading the page before the next click.
# The reference is timed in the same run under the same load: the same client processes, each with its own
# database connection, run the plain SELECT of exactly the rows each page shows (its columns, joined names,
# LIMIT 50, no scope, no count, no template) and the two are printed side by side.

PAGE_GOAL_P95_MS = 100
BATCH = 20_000
BENCH_DAYS = 121  # the received dates span the last four months
REFERENCE_ROWS = 50  # core.paging.PER_PAGE: what one page shows


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
    head = Staff.objects.filter(staff_no="bench-head").first() or org.create_staff(
        staff_no="bench-head", name="基准部门负责人", unit=depts[-1], role="unit_head", username="bench-head")
    return center, depts, windows, items, reviewer.user, leader.user, head.user


def _column_defaults(model, overridden: set[str]) -> tuple[list[str], dict[str, object]]:
    """The columns of `model` (but its id) and the stored default of those the loader does not set."""
    import json

    from django.utils import timezone

    columns, defaults = [], {}
    now = timezone.now()
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.attname in overridden:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            defaults[field.column] = now
        elif field.has_default():
            value = field.get_default()
            defaults[field.column] = json.dumps(value) if isinstance(value, (dict, list)) else value
        else:
            defaults[field.column] = None if field.null else ""
    return columns, defaults


def _insert(model, columns: list[str], rows: list[tuple]) -> None:
    """Rows in one go: COPY on PostgreSQL, one executemany elsewhere (bulk_create builds an object per row)."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _load(count: int, start: int, depts, windows, items, log) -> None:
    """Synthetic cases `start` … `count - 1` of the corner and one task each, inserted directly with their ids
    (no services: a million intakes would take hours); the stored clock columns are filled as the services
    would. On PostgreSQL the id sequences are moved past the rows afterwards."""
    import random
    from datetime import timedelta

    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from tongban.cases import reach
    from tongban.cases.models import Case, CaseTask

    rng = random.Random(7 + start)
    today = timezone.localdate()
    # The calendar of the loaded dates first, as every intake fills it: loaded into an empty calendar, the first
    # intake filled it and re-dated every loaded clock inside its own transaction (ten minutes at a million).
    from tongban.workdays.services import ensure_years

    ensure_years((today - timedelta(days=BENCH_DAYS)).year, today.year + 1)
    statuses = ["received", "reviewing", "reviewing", "reviewing", "ready", "closed", "closed", "closed"]
    case_set = ["number", "item", "title", "applicant_kind", "applicant_name", "id_type", "id_number", "phone",
                "intake_window", "intake_unit", "status", "received_on", "accepted_on", "clock_start",
                "budget_workdays", "due_date", "warn_date", "decided_on"]
    task_set = ["case", "item", "unit", "stage", "status", "opened_on", "budget_workdays", "clock_workdays", "due_date"]
    case_columns, case_defaults = _column_defaults(Case, {f"{n}_id" if n in ("item", "intake_window", "intake_unit") else n
                                                          for n in case_set})
    task_columns, task_defaults = _column_defaults(CaseTask, {f"{n}_id" if n in ("case", "item", "unit") else n
                                                              for n in task_set})
    next_case = (Case.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    next_task = (CaseTask.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    made = start
    while made < count:
        batch = min(BATCH, count - made)
        cases, tasks = [], []
        for i in range(made, made + batch):
            n = i % len(depts)
            received = today - timedelta(days=i % BENCH_DAYS)
            status = statuses[rng.randrange(len(statuses))]
            due = received + timedelta(days=rng.randint(3, 30))
            # The real shape: region code + date + sequence of the day (services.intake).
            values = {"number": f"999999{received:%Y%m%d}{i // BENCH_DAYS:05d}", "item_id": items[n].pk,
                      "title": items[n].name, "applicant_kind": "person", "applicant_name": f"申请人{i}",
                      "id_type": "resident_id", "id_number": f"41052319900101{i % 10000:04d}", "phone": "13800001234",
                      "intake_window_id": windows[n].pk, "intake_unit_id": depts[n].pk, "status": status,
                      "received_on": received, "accepted_on": received, "clock_start": received, "budget_workdays": 5,
                      "due_date": due, "warn_date": due - timedelta(days=1),
                      "decided_on": received + timedelta(days=3) if status in ("ready", "closed") else None}
            cases.append((next_case, *(values[c] if c in values else case_defaults[c] for c in case_columns)))
            task = {"case_id": next_case, "item_id": items[n].pk, "unit_id": depts[n].pk, "stage": 1,
                    "status": "reviewing" if status == "reviewing" else "approved", "opened_on": received,
                    "budget_workdays": 5, "clock_workdays": 5, "due_date": due}
            tasks.append((next_task, *(task[c] if c in task else task_defaults[c] for c in task_columns)))
            next_case += 1
            next_task += 1
        with transaction.atomic():
            _insert(Case, ["id", *case_columns], cases)
            _insert(CaseTask, ["id", *task_columns], tasks)
            reach.fill(cases[0][0], cases[-1][0])  # the units that see them, as the services write them
        made += batch
        if made % 100_000 < BATCH or made == count:
            log(f"已生成 {made} 件")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Case, CaseTask):
                table = model._meta.db_table
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")


def _analyze() -> None:
    """PostgreSQL: statistics and the visibility map as autovacuum leaves them on a live database soon after
    the rows arrive (the planner otherwise plans for the tables as they were, and no scan is index-only)."""
    from django.db import connection

    if connection.vendor == "postgresql" and connection.get_autocommit():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE cases_case, cases_casetask, cases_caseunit")


def _remove(windows, depts) -> None:
    """The corner's cases and tasks by plain DELETEs (the ORM's delete collects every related row first)."""
    from django.db import connection

    from tongban.cases.models import Case, CaseTask, CaseUnit

    with connection.cursor() as cursor:
        unit_ids = [d.pk for d in depts]
        window_ids = [w.pk for w in windows]
        cursor.execute(f"DELETE FROM {CaseUnit._meta.db_table} WHERE unit_id IN ({', '.join(['%s'] * len(unit_ids))})",
                       unit_ids)
        cursor.execute(f"DELETE FROM {CaseTask._meta.db_table} WHERE unit_id IN ({', '.join(['%s'] * len(unit_ids))})",
                       unit_ids)
        cursor.execute(f"DELETE FROM {Case._meta.db_table} WHERE intake_window_id IN "
                       f"({', '.join(['%s'] * len(window_ids))})", window_ids)


def _session_cookie(user) -> str:
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    return browser.cookies[settings.SESSION_COOKIE_NAME].value


def _references(center, depts, number: str) -> dict[str, tuple[str, list]]:
    """The plain SELECT of exactly the rows each page shows: its columns and joined names, LIMIT one page."""
    from tongban.cases.models import Case, CaseTask
    from tongban.org.models import Unit

    case_columns = ("number", "title", "applicant_name", "id_number", "phone", "intake_window__name", "received_on",
                    "due_date", "status", "pending_overdue")
    task_columns = ("case__number", "item__name", "unit__name", "case__applicant_name", "opened_on", "due_date",
                    "case__status")
    subtree = list(Unit.objects.filter(path__startswith=center.path).values_list("pk", flat=True))
    queries = {
        "review_queue": CaseTask.objects.filter(unit=depts[0], status="reviewing").order_by("due_date", "pk")
        .values_list(*task_columns),
        "leader_list": Case.objects.filter(intake_unit=depts[1], status="reviewing").order_by("-number")
        .values_list(*case_columns),
        "leader_all": Case.objects.filter(intake_unit__in=subtree).order_by("-number").values_list(*case_columns),
        "search_number": Case.objects.filter(number=number).values_list(*case_columns),
        "head_all": Case.objects.filter(intake_unit=depts[-1]).order_by("-number").values_list(*case_columns),
    }
    return {name: qs[:REFERENCE_ROWS].query.sql_with_params() for name, qs in queries.items()}


def _serve(port: int, workers: int) -> None:  # pragma: no cover - runs in the forked server process
    from django.core.wsgi import get_wsgi_application
    from gunicorn.app.base import BaseApplication

    forget_inherited_connections()  # its workers are forked from this process

    class Server(BaseApplication):
        def load_config(self):
            options = {"bind": f"127.0.0.1:{port}", "workers": workers, "worker_class": "sync", "timeout": 300,
                       "backlog": 2048, "loglevel": "warning", "accesslog": None, "proc_name": "tongban-bench"}
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return get_wsgi_application()

    Server().run()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, url: str, cookie: str) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request("GET", url, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _cpu_ms(pids) -> dict[int, float]:
    """CPU time (user + system) each process has used so far, from /proc (Linux); {} elsewhere."""
    import os

    used = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    return used


def _serving_pids(server_pid: int) -> tuple[list[int], list[int]]:
    """(the gunicorn workers, the PostgreSQL backends of this database but this one's)."""
    from django.db import connection

    try:
        with open(f"/proc/{server_pid}/task/{server_pid}/children") as children:
            workers = [int(pid) for pid in children.read().split()]
    except OSError:
        workers = []
    backends = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")
            backends = [pid for pid, in cursor.fetchall()]
    return workers, backends


def _wait_until_up(port: int, url: str, cookie: str, server) -> None:
    deadline = time.monotonic() + 120
    while True:
        try:
            if _get(port, url, cookie) == 200:
                return
        except OSError:
            pass
        if not server.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("基准测试的网站进程没有启动")
        time.sleep(0.2)


def _client(plan, run_one, think_ms: int, barrier, out) -> None:  # pragma: no cover - a forked client process
    import os
    import random

    forget_inherited_connections()
    pause = random.Random(os.getpid())
    timings, error = [], None
    try:
        barrier.wait()
        for name, target in plan:
            tick = time.perf_counter()
            run_one(target)
            timings.append((name, (time.perf_counter() - tick) * 1000))
            if think_ms:  # a person reading the page before the next click: half to one and a half times think_ms
                time.sleep(think_ms / 1000 * pause.uniform(0.5, 1.5))
    except Exception as exc:  # reported by the parent, which raises
        error = f"{type(exc).__name__}: {exc}"
    finally:
        from django.db import connections

        connections.close_all()
    out.put((timings, error))


def _drive(plans: list[list], run_one: Callable, think_ms: int = 0) -> tuple[list[tuple[str, float]], float]:
    """Runs each plan in its own forked process, all released at once; (every (page, ms), wall seconds)."""
    import multiprocessing

    from django.db import connections

    context = multiprocessing.get_context("fork")
    connections.close_all()  # a forked child must open its own connection, never share this one's socket
    barrier = context.Barrier(len(plans) + 1)
    out = context.Queue()
    processes = [context.Process(target=_client, args=(plan, run_one, think_ms, barrier, out), daemon=True) for plan in plans]
    for process in processes:
        process.start()
    barrier.wait()
    started = time.perf_counter()
    results = [out.get(timeout=3600) for _ in processes]
    seconds = time.perf_counter() - started
    for process in processes:
        process.join(timeout=30)
    errors = [error for _, error in results if error]
    if errors:
        raise RuntimeError(f"基准测试的客户端出错：{errors[0]}")
    return [timing for timings, _ in results for timing in timings], seconds


def run_cases_bench(cases: int = 1_000_000, clients: int = 20, requests: int = 400, *, units: int = 10,
                    workers: int | None = None, think_ms: int = 0, keep: bool = False,
                    log: Callable[[str], None] = print) -> dict:
    """Loads `cases` synthetic cases (tops up what an earlier `keep` run left), then times the busiest list
    pages from `clients` concurrent client processes against gunicorn with `workers` processes (why: the
    section comment above), and the plain SELECT of each page's rows from the same clients; removes the
    cases unless `keep`. Pages: a reviewer's 待审查, a leader's list filtered by unit and status, the
    leader's unfiltered first page (with its counts by status), a search by case number, and a department
    head's unfiltered first page."""
    import os
    import random
    import signal

    from django.db import connection
    from django.db.models import Max, Min

    from tongban.cases.models import Case

    workers = workers or 2 * (os.cpu_count() or 1) + 1
    center, depts, windows, items, reviewer, leader, head = _cases_corner(units)
    started = time.perf_counter()
    present = Case.objects.filter(intake_window__in=windows).count()
    if present > cases:
        _remove(windows, depts)
        present = 0
    _load(cases, present, depts, windows, items, log)
    _analyze()
    built = time.perf_counter() - started
    rng = random.Random(11)
    mine = Case.objects.filter(intake_window__in=windows)
    low, high = mine.aggregate(low=Min("pk"), high=Max("pk")).values()
    numbers = list(mine.filter(pk__in=[rng.randint(low, high) for _ in range(200)]).values_list("number", flat=True))
    # One login per client and person, as 20 people have: a session shared by every client would have its row
    # written by all of them at once (the idle-timeout stamp), which no real browser does.
    cookies = [{"reviewer": _session_cookie(reviewer), "leader": _session_cookie(leader), "head": _session_cookie(head)}
               for _ in range(clients)]
    pages = {"review_queue": ("reviewer", "/cases/review/"),
             "leader_list": ("leader", f"/cases/?intake_unit={depts[1].pk}&status=reviewing"),
             "leader_all": ("leader", "/cases/"),
             "search_number": ("leader", "/cases/?q={number}"),
             # A department head's scope is one unit of ten, plus the cases with a task of it: the scope's OR.
             "head_all": ("head", "/cases/")}
    references = _references(center, depts, numbers[0])
    per_client = [requests // clients + (1 if c < requests % clients else 0) for c in range(clients)]
    plans = [[(name, numbers[rng.randrange(len(numbers))]) for name in
              (rng.choice(list(pages)) for _ in range(count))] for count in per_client]
    log(f"{cases} 件已就绪（{built:.0f} 秒）；网站 {workers} 个进程，{clients} 个并发客户端进程"
        + (f"，每次请求后平均停顿 {think_ms} 毫秒" if think_ms else "，连续请求"))

    port = _free_port()

    def page(target) -> None:
        name, number, client = target
        who, url = pages[name]
        status = _get(port, url.format(number=number), cookies[client][who])
        if status != 200:
            raise RuntimeError(f"{url}: {status}")

    def reference(target) -> None:
        name, number, _ = target
        sql, params = references[name]
        with connection.cursor() as cursor:
            cursor.execute(sql, [number] if name == "search_number" else params)
            cursor.fetchall()

    import multiprocessing

    from django.db import connections

    connections.close_all()
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(port, workers), daemon=False)
    server.start()
    try:
        _wait_until_up(port, "/cases/review/", cookies[0]["reviewer"], server)
        for name in pages:  # warm-up: each worker's first request of a page compiles its templates
            for _ in range(workers):
                page((name, numbers[0], 0))
        workers_pids, backend_pids = _serving_pids(server.pid)
        before = _cpu_ms(workers_pids + backend_pids)
        timed, seconds = _drive([[(name, (name, number, c)) for name, number in plan] for c, plan in enumerate(plans)],
                                page, think_ms)
        late_workers, late_backends = _serving_pids(server.pid)  # a backend may have come or gone meanwhile
        workers_pids, backend_pids = sorted({*workers_pids, *late_workers}), sorted({*backend_pids, *late_backends})
        after = _cpu_ms(workers_pids + backend_pids)
    finally:
        os.kill(server.pid, signal.SIGTERM)
        server.join(timeout=60)
        if server.is_alive():
            os.kill(server.pid, signal.SIGKILL)
            server.join()
    referenced, _ = _drive([[(name, (name, number, c)) for name, number in plan] for c, plan in enumerate(plans)],
                           reference, think_ms)
    if not keep:
        _remove(windows, depts)
    load = os.getloadavg()
    report = {"cases": cases, "p50_ms": _percentile([ms for _, ms in timed], 50),
              "p95_ms": _percentile([ms for _, ms in timed], 95), "requests": len(timed),
              "reference_p50_ms": _percentile([ms for _, ms in referenced], 50),
              "reference_p95_ms": _percentile([ms for _, ms in referenced], 95),
              "per_second": round(len(timed) / seconds, 1) if seconds else 0.0, "clients": clients, "workers": workers,
              "think_ms": think_ms, "cpu_ms_per_page": {
                  part: round(sum(after[pid] - before.get(pid, 0) for pid in pids if pid in after) / max(len(timed), 1), 1)
                  for part, pids in (("web", workers_pids), ("database", backend_pids))},
              "database": connection.vendor, "build_seconds": round(built, 1), "load": [round(v, 2) for v in load],
              "pages": {}}
    for name in pages:
        mine = [ms for n, ms in timed if n == name]
        theirs = [ms for n, ms in referenced if n == name]
        report["pages"][name] = {"requests": len(mine), "p50_ms": _percentile(mine, 50), "p95_ms": _percentile(mine, 95),
                                 "reference_p50_ms": _percentile(theirs, 50), "reference_p95_ms": _percentile(theirs, 95)}
        log(f"  {name}: p50 {report['pages'][name]['p50_ms']} 毫秒，p95 {report['pages'][name]['p95_ms']} 毫秒"
            f"（参照 SQL p50 {report['pages'][name]['reference_p50_ms']}，p95 {report['pages'][name]['reference_p95_ms']}；"
            f"{len(mine)} 次）")
    log(f"{len(timed)} 次请求 {seconds:.1f} 秒，{report['per_second']} 页/秒；负载 {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    cpu = report["cpu_ms_per_page"]
    if cpu["web"]:  # what a page costs whatever else the machine is doing: the figure a busy machine can give
        log(f"每页 CPU：网站进程 {cpu['web']} 毫秒，数据库 {cpu['database']} 毫秒"
            f"（{os.cpu_count()} 核全归本测试时约 {os.cpu_count() * 1000 / (cpu['web'] + cpu['database']):.0f} 页/秒）")
    return report


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
    parser.add_argument("--workers", type=int, default=0, help="网站进程数（默认 2×CPU 核数+1）")
    parser.add_argument("--think-ms", type=int, default=0,
                        help="每个客户端两次请求之间的平均停顿（毫秒，默认 0：连续请求）")
    parser.add_argument("--keep", action="store_true", help="保留生成的办件，下次运行只补足差额")


def _cases_run(*, log: Callable[[str], None], cases: int, clients: int, requests: int, workers: int,
               think_ms: int, keep: bool) -> dict:
    return run_cases_bench(max(cases, 1), max(clients, 1), max(requests, 1), workers=workers or None,
                           think_ms=max(think_ms, 0), keep=keep, log=log)


def _cases_summary(report: dict) -> str:
    return (f"数据库 {report['database']}：p50 {report['p50_ms']} 毫秒，p95 {report['p95_ms']} 毫秒"
            f"（目标 p95 ≤ {PAGE_GOAL_P95_MS} 毫秒；参照 SQL 同时 p50 {report['reference_p50_ms']}，"
            f"p95 {report['reference_p95_ms']} 毫秒），{report['per_second']} 页/秒，负载 {report['load'][0]}")


def _benches():
    from tongban.core.bench import Bench

    return [
        Bench(name="intake", help="收件登记：并发收件的速度与重复办件编号", add_arguments=_intake_arguments,
              run=_intake_run, summary=_intake_summary, json_keys=("intakes", "seconds", "per_second", "duplicates")),
        Bench(name="cases", help="办件列表：大量办件下待审查、领导列表与按编号搜索的 p50 / p95", add_arguments=_cases_arguments,
              run=_cases_run, summary=_cases_summary, json_keys=("cases", "p50_ms", "p95_ms")),
    ]


BENCHES = _benches()
