"""CaseUnit, the units through which a unit scope reaches a case (its intake unit, its first hop's unit, the unit
of each task): the one writer of those rows.

Why a table: a department head's scope was "received in my units OR with a task of my units", and PostgreSQL
planned the task branch of that OR as a hash of every task of the scope (100,000 for one department at a million
cases, 0.5–1 s per query, docs/performance.md). With the units in one indexed table the scope is a single
semi-join that a page of 50 probes row by row. Every service that creates a case or a task, or moves either to
another unit, calls `sync` for the cases it touched in the same transaction; bulk loaders call `fill`.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import connection


def wanted(case_ids: list[int]) -> set[tuple[int, int]]:
    """The (case, unit) pairs these cases should have, read from the cases and their tasks."""
    from tongban.cases.models import Case, CaseTask

    pairs: set[tuple[int, int]] = set()
    for pk, intake, first in Case.objects.filter(pk__in=case_ids).values_list("pk", "intake_unit_id", "first_unit_id"):
        pairs.add((pk, intake))
        if first is not None:
            pairs.add((pk, first))
    pairs |= set(CaseTask.objects.filter(case_id__in=case_ids).values_list("case_id", "unit_id"))
    return pairs


def sync(case_ids: Iterable[int]) -> None:
    """Make the CaseUnit rows of these cases match their intake unit, first hop and tasks."""
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), CHUNK):  # a provincial file may touch tens of thousands of cases
        _sync(ids[start:start + CHUNK])


CHUNK = 1000


def _sync(ids: list[int]) -> None:
    from tongban.cases.models import CaseUnit

    should = wanted(ids)
    rows = {(case_id, unit_id): pk for pk, case_id, unit_id
            in CaseUnit.objects.filter(case_id__in=ids).values_list("pk", "case_id", "unit_id")}
    stale = [pk for pair, pk in rows.items() if pair not in should]
    if stale:
        CaseUnit.objects.filter(pk__in=stale).delete()
    CaseUnit.objects.bulk_create([CaseUnit(case_id=c, unit_id=u) for c, u in sorted(should - rows.keys())],
                                 ignore_conflicts=True)


def add_new(case_id: int, unit_ids: Iterable[int]) -> None:
    """The rows of a case just created (no row can be stale yet): its intake unit and its tasks' units, as the
    creating service knows them — one INSERT, where `sync` reads the case and its tasks back first (4 ms of
    CPU per intake, `tongban bench intake`)."""
    from tongban.cases.models import CaseUnit

    CaseUnit.objects.bulk_create([CaseUnit(case_id=case_id, unit_id=u) for u in sorted(set(unit_ids))],
                                 ignore_conflicts=True)


FILL_SQL = """
INSERT INTO cases_caseunit (case_id, unit_id)
SELECT case_id, unit_id FROM (
    SELECT id AS case_id, intake_unit_id AS unit_id FROM cases_case WHERE id BETWEEN %s AND %s
    UNION SELECT id, first_unit_id FROM cases_case WHERE first_unit_id IS NOT NULL AND id BETWEEN %s AND %s
    UNION SELECT case_id, unit_id FROM cases_casetask WHERE case_id BETWEEN %s AND %s
) AS reach WHERE true
ON CONFLICT (case_id, unit_id) DO NOTHING
"""


def fill(low: int = 0, high: int = 2**62, *, cursor=None) -> None:
    """Adds the missing rows of the cases with ids low … high in one statement (bulk loaders, the migration):
    rows are only added, so it is for cases whose units have not changed since they were last synced."""
    params = [low, high] * 3
    if cursor is not None:
        cursor.execute(FILL_SQL, params)
        return
    with connection.cursor() as own:
        own.execute(FILL_SQL, params)
