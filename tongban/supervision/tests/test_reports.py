"""The month's figures, worked out by hand for October 2026 (see conftest), for the county and per scope."""
from __future__ import annotations

from datetime import date

import pytest

from tongban.supervision import reports
from tongban.supervision.reports import Month

pytestmark = pytest.mark.django_db
OCT = Month.parse("2026-10")
LATER = date(2026, 11, 16)


def test_the_county_month_counts_cases_and_decisions_on_time(october):
    totals = reports.month_totals(None, OCT, LATER)
    assert totals == {"received": 5, "accepted": 5, "decided": 3, "on_time": 2, "late": 1, "on_time_rate": 66.7,
                      "closed": 1, "overdue": 3}


def test_cases_late_in_the_month_carry_their_overdue_working_days_to_the_decision_or_the_months_end(october):
    late = {c.number: c.overdue_workdays for c in reports.late_cases(None, OCT, LATER)}
    assert late == {october.b.number: 9, october.c.number: 9, october.d.number: 8}


def test_a_month_still_running_counts_to_today(october):
    late = {c.number: c.overdue_workdays for c in reports.late_cases(None, OCT, date(2026, 10, 21))}
    # on 21 Oct: C is 2 working days past 19 Oct, D 1 past 20 Oct; B (decided 30 Oct) is 2 as well
    assert late == {october.b.number: 2, october.c.number: 2, october.d.number: 1}


def test_on_time_by_unit_is_per_reviewing_department(october, county):
    rows = {r["unit"]: r for r in reports.on_time_by_unit(None, OCT, LATER)}
    samr = rows[county.department.name]
    assert (samr["decided"], samr["on_time"], samr["late"], samr["on_time_rate"], samr["overdue_open"]) == (3, 2, 1, 66.7, 1)
    assert sum(r["overdue_open"] for r in rows.values()) == 2  # C at the department, D wherever it is reviewed


def test_november_has_no_decisions_yet_and_no_rate(october):
    totals = reports.month_totals(None, Month.parse("2026-11"), LATER)
    assert totals["decided"] == 0 and totals["on_time_rate"] is None
    assert totals["overdue"] == 2  # C and D still open past due


def test_a_township_admin_gets_their_townships_figures_only(october, personas):
    totals = reports.month_totals(personas.township_admin, OCT, LATER)
    assert (totals["received"], totals["decided"], totals["overdue"]) == (1, 0, 1)
    assert [c.number for c in reports.late_cases(personas.township_admin, OCT, LATER)] == [october.d.number]
    assert reports.month_totals(personas.other_township_admin, OCT, LATER)["received"] == 0


def test_the_overdue_trend_counts_cases_in_the_week_of_their_due_date(october):
    weeks = {w["week"]: w["overdue"] for w in reports.overdue_trend(None, date(2026, 11, 16), weeks=6)}
    assert weeks["2026-10-19"] == 3  # B, C due 19 Oct; D due 20 Oct
    assert sum(weeks.values()) == 3


def test_the_heat_map_counts_late_tasks_per_unit_and_week(october, county):
    heat = reports.unit_week_heat(None, date(2026, 11, 16), weeks=6)
    week = heat["weeks"].index("2026-10-19")
    cells = {(heat["units"][u], w): n for w, u, n in heat["cells"]}
    assert cells[(county.department.name, week)] == 2  # B decided late, C open
    assert sum(cells.values()) == 3


def test_on_time_by_month_lines_up_the_twelve_months(october):
    rows = reports.on_time_by_month(None, OCT)
    assert len(rows) == 12 and rows[-1] == {"month": "2026-10", "decided": 3, "on_time": 2, "on_time_rate": 66.7}
    assert rows[0]["month"] == "2025-11"


def test_today_by_site_groups_the_county_centre_and_each_township(october, county, personas):
    sites = {s["site"]: s for s in reports.today_by_site(None, date(2026, 10, 13))}
    assert sites[county.township_a.name]["received"] == 1 and sites[county.township_a.name]["accepted"] == 1
    assert sites[county.center.name]["received"] == 0
    assert county.township_b.name in sites  # listed with nothing today
    assert sites[county.center.name]["closed"] == 0
    on_15th = {s["site"]: s for s in reports.today_by_site(None, date(2026, 10, 15))}
    assert on_15th[county.center.name]["closed"] == 1
    mine = reports.today_by_site(personas.township_admin, date(2026, 10, 13))
    assert [s["site"] for s in mine] == [county.township_a.name]


def test_a_bad_month_is_a_chinese_error():
    with pytest.raises(ValueError, match="年-月"):
        Month.parse("2026-13")


def test_a_case_due_on_the_months_last_friday_runs_late_in_the_next_month(october, case_people, county, restaurant):
    from tongban.cases.services import intake
    from tongban.cases.services.common import acting_on
    from tongban.cases.tests.conftest import person_applicant

    with acting_on(date(2026, 10, 23)):
        case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.food,
                                   applicant=person_applicant(), materials={
                                       "business_licence": "received", "layout_plan": "received", "health_cert": "received"})
        case = intake.accept(case, by=case_people.clerk)
    assert case.due_date == date(2026, 10, 30)  # a Friday; 31 October is a Saturday
    assert case.number not in {c.number for c in reports.late_cases(None, OCT, LATER)}
    november = {c.number: c.overdue_workdays for c in reports.late_cases(None, Month.parse("2026-11"), LATER)}
    assert november[case.number] == 11  # 2–6, 9–13 and 16 November


def test_the_duty_page_and_the_channels_page_roll_a_village_up_to_its_township_alike(october, county, personas):
    """A case taken at a village point counts for its township on both pages: one roll-up (`org.sites`)."""
    from tongban.cases.models import Case
    from tongban.cases.selectors import channel_month

    day = date(2026, 10, 13)
    Case.objects.filter(pk=october.d.pk).update(intake_unit=county.village_a)  # taken at 东关村便民服务点
    duty = {s["unit_id"]: s["received"] for s in reports.today_by_site(personas.director, day)}
    channels = channel_month(personas.director, day, day)
    rolled = {r["unit"].pk: r["received"] for r in channels["townships"]}
    sites = {r["unit"].pk: r["received"] for r in channels["sites"]}
    assert sites[county.village_a.pk] == 1 and sites[county.township_a.pk] == 0  # the site rows themselves
    assert rolled[county.township_a.pk] == duty[county.township_a.pk] == 1
    assert all(duty.get(pk, 0) == n for pk, n in rolled.items())
