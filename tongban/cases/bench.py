"""`tongban bench intake [--intakes 2000] [--workers 20] [--json]`: intakes through the real service from
concurrent workers (threads, each with its own database connection), counting duplicate case numbers.

The data lives in its own corner (unit `bench-intake`, window `BENCH01`, one item) and the cases it made are
deleted afterwards. On SQLite the writers take turns (a busy writer makes the others wait, and a worker retries
when the database stays locked), so the figure that matters is PostgreSQL's; on both the number of duplicates
must be 0: the sequence row is claimed by an UPDATE held to the end of each intake's transaction.
Reference (issue 10): ≥ 250 intakes/s on a 2-core machine, 0 duplicates.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import OperationalError, connection
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
    return window, staff.user, item


def run_intake_bench(intakes: int = 2000, workers: int = 20, *, log: Callable[[str], None] = print) -> dict:
    from tongban.cases.models import Case
    from tongban.cases.services import intake

    window, clerk, item = _corner()
    clerk = type(clerk).objects.select_related("staff__window", "staff__unit").get(pk=clerk.pk)
    applicant = {"applicant_kind": "person", "applicant_name": "基准", "id_number": "11010519491231002X",
                 "phone": "13800001234"}
    per_worker = [intakes // workers + (1 if w < intakes % workers else 0) for w in range(workers)]
    barrier = threading.Barrier(workers)
    numbers: list[str] = []
    failures: list[str] = []
    guard = threading.Lock()

    def work(count: int) -> None:
        mine = []
        try:
            barrier.wait()
            for _ in range(count):
                for attempt in range(20):
                    try:
                        mine.append(intake.receive_case(by=clerk, window=window, item=item, applicant=applicant,
                                                        materials={"bench_form": "received"}).number)
                        break
                    except OperationalError as exc:  # SQLite: the database stayed locked; take another turn
                        if attempt == 19:
                            failures.append(str(exc))
        finally:
            with guard:
                numbers.extend(mine)
            connection.close()

    threads = [threading.Thread(target=work, args=(count,)) for count in per_worker]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    made = Case.objects.filter(intake_window=window)
    stored_duplicates = made.values("number").annotate(n=Count("pk")).filter(n__gt=1).count()
    duplicates = len(numbers) - len(set(numbers)) + stored_duplicates
    made.delete()
    log(f"{len(numbers)} 件收件，{workers} 个并发，{seconds:.1f} 秒，失败 {len(failures)}")
    return {"intakes": len(numbers), "seconds": round(seconds, 2),
            "per_second": round(len(numbers) / seconds, 1) if seconds else 0.0, "duplicates": duplicates,
            "database": connection.vendor}
