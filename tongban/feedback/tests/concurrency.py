"""Run one write from several threads at once (each its own database connection), for the tests of numbers
claimed under concurrency. On PostgreSQL the threads really overlap; on SQLite (IMMEDIATE transactions) they
queue, and the test still checks the same outcome."""
from __future__ import annotations

import threading
from typing import Callable


def at_once(write: Callable[[int], object], count: int = 8) -> tuple[list, list[BaseException]]:
    """Call `write(i)` for i in range(count) from `count` threads released together; (results, errors)."""
    from django.db import connection

    barrier = threading.Barrier(count)
    results: list = []
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results.append(write(i))
        except BaseException as exc:  # noqa: BLE001 — the test reports what went wrong in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
