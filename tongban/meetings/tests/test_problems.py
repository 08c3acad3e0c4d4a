"""core.problems: the registry merges every app's open problems of a set of units, each provider in a query or two."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from tongban.core import problems
from tongban.meetings.tests.conftest import DAY

pytestmark = pytest.mark.django_db


def test_the_four_apps_register_their_sources():
    assert {label for _, label in problems.sources()} >= {"超期办件", "超期整改措施", "督办单待答复", "终端故障"}


def test_no_units_means_no_problems_and_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert problems.open_problems([], DAY) == []


def test_an_overdue_measure_is_a_problem_of_its_lead_unit_only(county, overdue_measure):
    found = problems.open_problems([county.section.pk], DAY)
    assert [(p.source, p.unit_id, p.since) for p in found] == [("超期整改措施", county.section.pk, date(2026, 11, 13))]
    assert found[0].url == overdue_measure.get_absolute_url()
    assert problems.open_problems([county.township_a.pk], DAY) == []
    assert problems.open_problems([county.section.pk], date(2026, 11, 13)) == []  # due that day: not yet overdue


def test_an_open_terminal_fault_is_a_problem_of_its_township_until_it_ends(county):
    from tongban.terminals.models import Terminal, TerminalFault

    terminal = Terminal.objects.create(unit=county.township_a, code="T-cg", name="城关镇终端")
    started = timezone.make_aware(datetime(2026, 11, 20, 9, 0))
    fault = TerminalFault.objects.create(terminal=terminal, silent_since=started - timedelta(hours=24), started_at=started)
    [problem] = problems.open_problems([county.township_a.pk], DAY)
    assert (problem.source, problem.title, problem.since, problem.due) == ("终端故障", "城关镇终端无心跳", date(2026, 11, 20), None)
    assert problems.open_problems([county.township_a.pk], date(2026, 11, 19)) == []  # not begun yet
    fault.ended_at = started + timedelta(hours=5)
    fault.save()
    assert problems.open_problems([county.township_a.pk], DAY) == []


def test_an_overdue_case_and_its_unanswered_urges_are_problems_of_the_units_that_must_act(accepted, county):
    from tongban.supervision import services as supervision

    case = accepted(date(2025, 9, 26))
    for day in (date(2025, 9, 26), date(2025, 10, 9)):
        supervision.daily(day)
    case.refresh_from_db()
    on = case.due_date + timedelta(days=1)
    found = problems.open_problems([county.center.pk, county.department.pk], on)
    by_source = {(p.source, p.unit_id) for p in found}
    assert ("超期办件", county.center.pk) in by_source
    assert {("督办单待答复", county.center.pk), ("督办单待答复", county.department.pk)} <= by_source
    assert all(case.number in p.title for p in found)
    assert [p.since for p in found] == sorted(p.since for p in found)  # oldest first
    only_department = problems.open_problems([county.department.pk], on)
    assert {p.source for p in only_department} == {"督办单待答复"}


def test_each_provider_answers_in_one_query_whatever_the_number_of_units(county, overdue_measure,
                                                                          django_assert_max_num_queries):
    ids = [county.center.pk, county.section.pk, county.department.pk, county.township_a.pk, county.township_b.pk]
    with django_assert_max_num_queries(len(problems.sources())):
        problems.open_problems(ids, DAY)
