"""The busiest case lists stay the same work as the cases grow: at 10 and at 1,200 cases every page runs the
same queries with the same SQL (only the values differ), none pages with an OFFSET and none counts without a
LIMIT under the COUNT (issue 10: keyset pages, no exact COUNT(*) over a million cases per page view).
Timing is the bench's business (`tongban bench cases`), never a test's."""
from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.cases import selectors
from tongban.cases.bench import _load
from tongban.cases.models import Case
from tongban.rectification.tests.test_query_plans import shape

pytestmark = pytest.mark.django_db


def grow_to(count: int, county, restaurant) -> None:
    """Cases received at A01 for 营业执照 (the bench's loader: plain inserts, one review task each)."""
    _load(count, Case.objects.count(), [county.department], [county.intake_window], [restaurant.company],
          log=lambda text: None)


def pages(county, case_people, personas) -> list[tuple[object, str]]:
    number = Case.objects.order_by("number").values_list("number", flat=True).first()
    return [
        (case_people.samr_reviewer, "/cases/review/"),
        (personas.director, f"/cases/?intake_unit={county.department.pk}&status=reviewing"),
        (personas.director, "/cases/"),
        (personas.director, f"/cases/?intake_unit={county.department.pk}"),
        (personas.section_chief, "/cases/"),  # a scoped leader: the scope's OR over the tasks
        (personas.director, f"/cases/?q={number}"),
        (personas.director, f"/cases/?q={number[:14]}"),  # a day's numbers: a prefix
    ]


def run(client_for, county, case_people, personas) -> dict[str, list[str]]:
    result = {}
    for user, url in pages(county, case_people, personas):
        client = client_for(user)
        with CaptureQueriesContext(connection) as first:
            response = client.get(url)
        assert response.status_code == 200, url
        name = f"{user.username} {url.split('=')[0] if 'q=' in url else url}"
        result[name] = [q["sql"] for q in first.captured_queries]
        cursor = re.search(r'rel="next" href="[^"]*cursor=([^"&]+)"', response.content.decode())
        if cursor:  # the next page, too: a keyset WHERE, never an OFFSET
            with CaptureQueriesContext(connection) as second:
                assert client.get(f"{url}{'&' if '?' in url else '?'}cursor={cursor.group(1)}").status_code == 200
            result[f"{name} (next page)"] = [q["sql"] for q in second.captured_queries]
    return result


def test_the_case_lists_run_the_same_bounded_queries_at_10_and_at_1200_cases(client_for, county, case_people,
                                                                             personas, restaurant):
    grow_to(10, county, restaurant)
    small = run(client_for, county, case_people, personas)
    grow_to(1200, county, restaurant)
    large = run(client_for, county, case_people, personas)
    assert sum(page.endswith("(next page)") for page in large) >= 4, list(large)  # 1,200 cases: more pages
    for page, queries in large.items():
        if page in small:
            assert [shape(sql) for sql in queries] == [shape(sql) for sql in small[page]], page
        for sql in queries:
            assert " OFFSET " not in sql.upper(), (page, sql)
            if re.search(r"\bCOUNT\(", sql, re.IGNORECASE) and '"cases_' in sql:
                assert re.search(r"\bLIMIT \d+", sql), (page, sql)  # counts read at most COUNT_CAP + 1 rows


def test_a_count_up_to_the_cap_is_exact_and_beyond_it_says_so(client_for, county, personas, restaurant, monkeypatch):
    grow_to(40, county, restaurant)
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)  # the rule, at a size a test builds quickly
    reviewing = Case.objects.filter(status="reviewing").count()
    received = Case.objects.filter(status="received").count()
    assert reviewing > 5 and 0 < received
    counts = selectors.status_counts(Case.objects.all())
    assert counts["withdrawn"] == 0 and counts["withdrawn"].exact
    assert not counts["reviewing"].exact
    if connection.vendor == "postgresql":  # the planner's estimate, labelled 约
        assert counts["reviewing"].estimated and counts["reviewing"].label.startswith("约 ")
    else:
        assert counts["reviewing"].label == "5 以上"
    page = client_for(personas.director).get("/cases/").content.decode()
    assert counts["reviewing"].label in page
    assert re.search(r"已撤回 <span[^>]*>0<", page)  # an exact zero reads as 0


def test_a_scoped_leader_gets_the_counts_from_one_bounded_query(county, personas, restaurant, monkeypatch):
    """A unit's scope includes the cases with a task of it: that branch is answered by hashing every such task,
    so the counts of a scope read at most COUNT_CAP + 1 rows in one query, not one query per status."""
    from django.contrib.auth import get_user_model

    from tongban.org import services as org

    grow_to(40, county, restaurant)
    head = org.create_staff(staff_no="samr-head", name="局长", unit=county.department, role="unit_head",
                            username="samr-head").user
    visible = Case.objects.visible_to(get_user_model().objects.get(pk=head.pk))
    exact = selectors.status_counts(visible, per_status=False)
    assert exact == {status: Case.objects.filter(status=status).count() for status in exact}
    assert all(tally.exact for tally in exact.values())
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    with CaptureQueriesContext(connection) as queries:
        capped = selectors.status_counts(visible, per_status=False)
    assert sum('"cases_case"' in q["sql"] and "EXPLAIN" not in q["sql"] for q in queries.captured_queries) == 1
    assert not any(tally.exact for tally in capped.values() if tally)
    if connection.vendor != "postgresql":  # what was seen among the first six rows: at least that many
        assert sum(capped.values()) == 6 and capped["reviewing"].label.endswith(" 以上")
