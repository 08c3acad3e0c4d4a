"""The long lists' rows built in Python (`cases.rows`) are the markup the templates made, and a leader over
part of the county sees each case's reviewing units (审查部门) on the list and in the API, read in one query
for the page whatever its number of cases."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from tongban.cases import selectors
from tongban.cases.models import Case
from tongban.cases.rows import case_rows, task_rows
from tongban.cases.tests.conftest import person_applicant
from tongban.conftest import PASSWORD
from tongban.cases.views import _decorate

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def same_markup(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


def reference(name: str, **context) -> str:
    """What the template's own loop made (kept here as the reference: cases/_rows.html, review_queue.html)."""
    return Template((DATA / name).read_text()).render(Context(context))


def tricky(cases: list[Case]) -> list[Case]:
    """Every branch of a row: green channel, outlet channel, 容缺逾期, no due date, a long title, markup in
    the applicant's name, an old delivery due date."""
    first, second = cases[0], cases[1]
    first.priority, first.channel, first.pending_overdue, first.due_date = 1, "outlet", True, None
    first.title = "一个很长很长的事项名称" * 6
    first.applicant_name = '<script>alert("x")</script> & 李四\'s'
    first.delivery_due_date = date(2020, 1, 2)
    second.delivery_due_date = None
    return cases


def test_the_case_rows_built_in_python_are_the_templates_markup(county, personas, receive, restaurant):
    from tongban.cases.services import intake

    receive()
    receive(applicant=person_applicant())
    intake.receive_case(by=personas.window_clerk, window=county.intake_window, item=restaurant.fire,
                        applicant=person_applicant())
    rows = Case.objects.order_by("-number").select_related("intake_window").only(*selectors.ROW_FIELDS)
    page = tricky(_decorate(list(rows)))
    today = date(2026, 12, 1)
    for show in ("intake", "delivery"):
        built = case_rows(page, delivery=show == "delivery", today=today)
        assert same_markup(built) == same_markup(reference("case_rows_reference.html", page=page, show=show, today=today))
    assert "&lt;script&gt;" in built and "<script>" not in built


def test_the_task_rows_built_in_python_are_the_templates_markup(county, case_people, receive):
    from tongban.cases.services import intake

    for _ in range(2):
        intake.accept(receive(), by=case_people.clerk)
    tasks = list(selectors.review_queue(case_people.samr_reviewer).order_by("pk"))
    assert tasks
    tasks[0].priority, tasks[0].due_date = 1, date(2020, 1, 2)
    tasks[0].item.name = "<b>" + "很长的事项" * 10
    today = date(2026, 12, 1)
    assert same_markup(task_rows(tasks, today=today)) == same_markup(
        reference("task_rows_reference.html", page=tasks, today=today))


def test_a_leader_over_some_units_sees_each_cases_reviewing_units_in_one_query(
        county, personas, case_people, receive, client_for, restaurant):
    from tongban.org import services as org

    # 分管 the fire brigade only: the bundle cases are in the list for their fire task.
    leader = org.create_staff(staff_no="fire-head", name="消防分管", unit=restaurant.fire_unit, role="unit_head",
                              username="fire-head", password=PASSWORD).user
    receive()
    client = client_for(leader)

    def page():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/cases/")
        assert response.status_code == 200
        return response.content.decode(), len(queries)

    page()  # the first view after logging in reads what later ones have in the session
    html, one = page()
    assert "<th" in html and "审查部门</th>" in html
    cells = re.findall(r'<td class="reviewing-units">(.*?)</td>', html)
    assert cells == [f"{county.department.name}、县消防救援大队、县水利局"]  # stage order, each unit once
    for _ in range(3):
        receive()
    html, four = page()
    assert len(re.findall(r'<td class="reviewing-units">', html)) == 4
    assert four == one  # one set-based read for the page, not one per case
    # The whole county's leader has no such column: every case is theirs anyway.
    assert "审查部门</th>" not in client_for(personas.director).get("/cases/").content.decode()


def test_the_case_api_names_the_reviewing_units_with_one_query_per_page(api_for, county, personas, receive):
    receive()

    def listing():
        with CaptureQueriesContext(connection) as queries:
            body = api_for(personas.director).get("/api/v1/cases/").json()
        return body["results"], len(queries)

    listing()  # creates the token
    results, one = listing()
    units = results[0]["reviewing_units"]
    assert units == [county.department.name, "县消防救援大队", "县水利局"]
    for _ in range(3):
        receive()
    results, four = listing()
    assert [r["reviewing_units"] for r in results] == [units] * 4
    assert four == one
    detail = api_for(personas.director).get(f"/api/v1/cases/{results[0]['number']}/").json()
    assert detail["reviewing_units"] == units
