"""The ledger's pages do not grow a query per row: at 10 and at 1,000 measures every page runs the same
queries, with the same SQL (only the values differ). Timing is the bench's business (`tongban bench
ledger`), never a test's."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tongban.rectification.bench import PAGES  # the pages the bench times
from tongban.rectification.choices import DeadlineKind, MeasureStatus, UnitRole
from tongban.rectification.clocks import refresh_measure_clocks
from tongban.rectification.models import Measure, MeasureUnit

pytestmark = pytest.mark.django_db

# Every status, two verified ones (different units) already among the first six.
STATUSES = [MeasureStatus.VERIFIED, MeasureStatus.NOT_STARTED, MeasureStatus.IN_PROGRESS, MeasureStatus.VERIFIED,
            MeasureStatus.PENDING_SIGNOFF, MeasureStatus.ONGOING]


def grow_to(count: int, ledger, county) -> None:
    """Bulk-insert measures of every status up to `count` (what an import does), clocks refreshed. Some are
    led by a village under the township admin's township: they see them without handling them (their free
    text is masked for them)."""
    existing = Measure.objects.count()
    units = [county.township_a, county.section, county.township_b, county.center, county.village_a]
    now = timezone.now()
    measures = [
        Measure(finding=ledger.problem if i % 2 else ledger.suggestion, number=100 + i, text=f"批量措施{i}",
                lead_unit=units[i % len(units)], deadline_kind=DeadlineKind.DATE,
                deadline=date(2023, 7, 1) + timedelta(days=i % 300), status=STATUSES[i % len(STATUSES)],
                verified_at=now if STATUSES[i % len(STATUSES)] == MeasureStatus.VERIFIED else None)
        for i in range(count - existing)
    ]
    Measure.objects.bulk_create(measures, batch_size=500)
    MeasureUnit.objects.bulk_create([MeasureUnit(measure=m, unit=m.lead_unit, role=UnitRole.LEAD) for m in measures],
                                    batch_size=500)
    refresh_measure_clocks(Measure.objects.all())


def shape(sql: str) -> str:
    """The SQL without its values: numbers, strings and IN lists become placeholders."""
    sql = re.sub(r'"s\d+_x\d+"', '"savepoint"', sql)  # Django numbers its savepoints
    sql = re.sub(r'"_django_curs_\d+_\w+?_\d+"', '"cursor"', sql)  # ...and its server-side cursors (.iterator())
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    sql = re.sub(r'\(("\w+"\."\w+") = \?(?: OR \1 = \?)*\)', r"\1 IN (…)", sql)
    return re.sub(r"IN \((?:\?, )*\?\)", "IN (…)", sql)


def plans(client, api) -> dict[str, list[str]]:
    result = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = (api if url.startswith("/api/") else client).get(url)
        assert response.status_code == 200, url
        result[url] = [shape(q["sql"]) for q in queries.captured_queries]
    return result


@pytest.mark.parametrize("persona", ["director", "township_admin"])
def test_every_page_runs_the_same_queries_at_10_and_at_1000_measures(persona, ledger, county, personas, client_for,
                                                                     api_for):
    user = getattr(personas, persona)
    grow_to(10, ledger, county)
    small = plans(client_for(user), api_for(user))
    grow_to(1000, ledger, county)
    large = plans(client_for(user), api_for(user))
    for url in PAGES:
        assert len(large[url]) == len(small[url]), url
        assert large[url] == small[url], url
