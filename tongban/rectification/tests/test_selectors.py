"""The figures, one definition each (selectors.py), against a ledger whose every number is counted by hand
(issue 17: mutants of the weekly trend, 销号率, pending sign-off, distinct counting, empty finding kinds, the
aspect fallback and the list orders survived the suite).

The ledger fixture: 市场准入股 leads one measure (城关镇 supports), 城关镇 one, 王村乡 one, the centre one
长期坚持 measure with checkpoints 2023-12-31 and 2024-06-30."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db.models import Q

from tongban.rectification import selectors, services
from tongban.rectification.models import Finding, Measure, MeasureUnit
from tongban.rectification.tests.conftest import upload

pytestmark = pytest.mark.django_db
TODAY = date(2024, 3, 13)  # a Wednesday; its week starts on Monday 2024-03-11


def submit(measure, personas, at: str):
    with time_machine.travel(at, tick=False):
        services.add_progress(measure, text="已完成", files=[upload("done.pdf")], by=personas.section_chief)
        return services.submit_for_signoff(measure, by=personas.section_chief)


def sign_off(measure, personas, at: str):
    """Evidence, 申请销号 and 销号 at `at` (a local time, +08:00)."""
    submit(measure, personas, at)
    with time_machine.travel(at, tick=False):
        return services.verify_measure(measure, by=personas.rectification_office)


# --- The weekly sign-off trend -------------------------------------------------------------------------

def test_each_signoff_counts_in_the_local_week_it_happened(ledger, personas):
    sign_off(ledger.section_measure, personas, "2024-03-11 00:00:00 +0800")  # the first instant of this week
    sign_off(ledger.township_measure, personas, "2024-03-10 23:59:59 +0800")  # the last instant of last week
    sign_off(ledger.other_township_measure, personas, "2023-12-25 08:00 +0800")  # the first of the 12 weeks
    sign_off(ledger.ongoing_measure, personas, "2023-12-24 18:00 +0800")  # the Sunday before: not shown
    trend = selectors.verified_per_week(Measure.objects.all(), TODAY)
    assert trend == [
        {"week": "2023-12-25", "verified": 1}, {"week": "2024-01-01", "verified": 0},
        {"week": "2024-01-08", "verified": 0}, {"week": "2024-01-15", "verified": 0},
        {"week": "2024-01-22", "verified": 0}, {"week": "2024-01-29", "verified": 0},
        {"week": "2024-02-05", "verified": 0}, {"week": "2024-02-12", "verified": 0},
        {"week": "2024-02-19", "verified": 0}, {"week": "2024-02-26", "verified": 0},
        {"week": "2024-03-04", "verified": 1}, {"week": "2024-03-11", "verified": 1},
    ]


def test_the_trend_shows_the_weeks_asked_for_up_to_this_one_and_not_the_next(ledger, personas):
    sign_off(ledger.section_measure, personas, "2024-03-17 23:59 +0800")  # Sunday of this week
    sign_off(ledger.township_measure, personas, "2024-03-18 00:00 +0800")  # next week's Monday
    sign_off(ledger.other_township_measure, personas, "2024-03-04 09:00 +0800")
    assert selectors.verified_per_week(Measure.objects.all(), TODAY, weeks=2) == [
        {"week": "2024-03-04", "verified": 1}, {"week": "2024-03-11", "verified": 1},
    ]
    # Counting from a Sunday: the week is still the one that began on the Monday before it.
    assert selectors.verified_per_week(Measure.objects.all(), date(2024, 3, 17), weeks=1) == [
        {"week": "2024-03-11", "verified": 1},
    ]


def test_a_measure_reopened_after_its_signoff_leaves_the_trend(ledger, personas):
    sign_off(ledger.section_measure, personas, "2024-03-12 10:00 +0800")
    sign_off(ledger.township_measure, personas, "2024-03-12 11:00 +0800")
    with time_machine.travel("2024-03-12 15:00 +0800", tick=False):
        services.reopen_measure(ledger.township_measure, new_deadline=date(2024, 4, 30), reason="回头看发现反弹")
    assert selectors.verified_per_week(Measure.objects.all(), TODAY, weeks=1) == [{"week": "2024-03-11", "verified": 1}]


# --- The buckets and 销号率 ------------------------------------------------------------------------------

def test_the_buckets_of_a_ledger_at_work(ledger, personas):
    sign_off(ledger.section_measure, personas, "2024-03-01 10:00 +0800")
    submit(ledger.township_measure, personas, "2024-03-05 10:00 +0800")
    services.add_progress(ledger.ongoing_measure, text="按计划推进", files=[upload("a.pdf")])  # 长期持续整改
    buckets = selectors.measure_buckets(Measure.objects.all(), TODAY)
    # Open: the township measure (pending sign-off, due 2023-10-31) and 王村乡's (due 2023-10-31), both overdue;
    # the ongoing measure's checkpoint of 2023-12-31 (due 2024-01-02) is not reported.
    assert buckets == selectors.Buckets(total=4, verified=1, ongoing=1, open=2, pending_signoff=1, overdue=2,
                                        overdue_ongoing=1)
    assert (buckets.percent_verified, buckets.past_due) == (25, 3)
    without_clock = selectors.measure_buckets(Measure.objects.all())
    assert (without_clock.overdue, without_clock.overdue_ongoing, without_clock.pending_signoff) == (0, 0, 1)
    assert set(Measure.objects.filter(selectors.past_due_q(TODAY)).values_list("text", flat=True)) == {
        "规范乡镇便民服务中心运行", "开展政企回访", "常态化开展回访"}


def test_nothing_is_overdue_on_its_due_date_and_everything_open_is_the_day_after(ledger):
    assert selectors.measure_buckets(Measure.objects.all(), date(2023, 10, 31)).overdue == 1  # 市场准入股's, due 09-30
    assert selectors.measure_buckets(Measure.objects.all(), date(2023, 11, 1)).overdue == 3


@pytest.mark.parametrize(("verified", "total", "percent"), [(0, 0, 0), (1, 3, 33), (2, 3, 67), (3, 3, 100)])
def test_the_signoff_rate_is_rounded_to_a_whole_percent(verified, total, percent):
    assert selectors.Buckets(total=total, verified=verified, ongoing=0, open=total - verified).percent_verified == percent


def test_the_buckets_refuse_figures_that_do_not_add_up():
    selectors.Buckets(total=2, verified=0, ongoing=0, open=2, pending_signoff=2, overdue=2)  # the limits hold
    selectors.Buckets(total=1, verified=0, ongoing=1, open=0, overdue_ongoing=1)
    for wrong, message in (
        (dict(total=3, verified=1, ongoing=1, open=0), "status buckets must partition the total"),
        (dict(total=1, verified=0, ongoing=0, open=1, overdue=2), "overdue and pending are open"),
        (dict(total=1, verified=0, ongoing=0, open=1, pending_signoff=2), "overdue and pending are open"),
        (dict(total=1, verified=0, ongoing=1, open=0, overdue_ongoing=2), "overdue ongoing measures are ongoing"),
    ):
        with pytest.raises(AssertionError, match=f"^{message}$"):
            selectors.Buckets(**wrong)


def test_as_of_a_months_end_a_later_signoff_is_still_open_and_a_later_pending_one_still_pending(ledger, personas):
    """The monthly bulletin counts as signed off what was signed off before its cutoff."""
    sign_off(ledger.section_measure, personas, "2024-02-20 10:00 +0800")
    sign_off(ledger.township_measure, personas, "2024-03-05 10:00 +0800")
    submit(ledger.other_township_measure, personas, "2024-02-25 10:00 +0800")
    services.add_progress(ledger.ongoing_measure, text="按计划推进", files=[upload("a.pdf")])
    before_march = Q(verified_at__lt="2024-03-01T00:00:00+08:00")
    buckets = selectors.measure_buckets(Measure.objects.all(), date(2024, 3, 1), verified=before_march)
    assert buckets == selectors.Buckets(total=4, verified=1, ongoing=1, open=2, pending_signoff=1, overdue=2,
                                        overdue_ongoing=1)


def test_a_measure_on_several_units_is_counted_once_per_unit_and_once_in_a_total(ledger, county):
    """Across the unit join (MeasureUnit) a measure appears once per unit; each unit's line counts it once."""
    rows = (MeasureUnit.objects.values("unit__name").annotate(**selectors.bucket_aggregates(prefix="measure__"))
            .order_by("unit__name"))
    by_unit = {row["unit__name"]: (row["total"], row["open"]) for row in rows}
    assert by_unit == {"市场准入股": (1, 1), "城关镇便民服务中心": (2, 2), "王村乡便民服务中心": (1, 1),
                       "测试县行政审批服务中心": (1, 1)}
    overall = MeasureUnit.objects.aggregate(**selectors.bucket_aggregates(prefix="measure__"))
    assert (overall["total"], overall["open"], overall["verified"]) == (4, 4, 0)  # five rows, four measures


# --- Findings and the breakdowns ----------------------------------------------------------------------

def test_finding_counts_name_both_kinds_even_with_none_of_one(ledger):
    assert selectors.finding_counts(Finding.objects.all()) == {"problem": 1, "suggestion": 1, "total": 2}
    assert selectors.finding_counts(Finding.objects.filter(kind="problem")) == {"problem": 1, "suggestion": 0,
                                                                               "total": 1}
    services.add_finding(ledger.inspection, description="另一个问题", aspect=ledger.aspect)
    assert selectors.finding_counts(Finding.objects.all()) == {"problem": 2, "suggestion": 1, "total": 3}


def test_completion_by_aspect_in_aspect_order_with_measures_without_one_last(ledger, personas, county):
    sign_off(ledger.section_measure, personas, "2024-03-01 10:00 +0800")
    services.add_progress(ledger.ongoing_measure, text="按计划推进", files=[upload("a.pdf")])
    loose = services.add_finding(ledger.inspection, description="未分方面的问题")
    services.create_measure(finding=loose, text="未分方面的措施", lead_unit=county.section, deadline=date(2024, 6, 30))
    assert selectors.completion_by_aspect(Measure.objects.all()) == [
        {"label": "牵头作用发挥不充分，合力不足", "total": 2, "verified": 1, "ongoing": 0, "open": 1},
        {"label": "意见建议", "total": 2, "verified": 0, "ongoing": 1, "open": 1},
        {"label": "（未分方面）", "total": 1, "verified": 0, "ongoing": 0, "open": 1},
    ]


def test_completion_by_unit_puts_the_most_measures_first_then_by_name(ledger, personas, county):
    services.create_measure(finding=ledger.problem, text="第二项", lead_unit=county.township_b,
                            deadline=date(2024, 6, 30))
    sign_off(ledger.other_township_measure, personas, "2024-03-01 10:00 +0800")
    rows = selectors.completion_by_unit(Measure.objects.all())
    assert rows == [
        {"label": "王村乡便民服务中心", "total": 2, "verified": 1, "ongoing": 0, "open": 1},
        {"label": "城关镇便民服务中心", "total": 1, "verified": 0, "ongoing": 0, "open": 1},
        {"label": "市场准入股", "total": 1, "verified": 0, "ongoing": 0, "open": 1},
        {"label": "测试县行政审批服务中心", "total": 1, "verified": 0, "ongoing": 0, "open": 1},
    ]
    assert [row["label"] for row in selectors.completion_by_unit(Measure.objects.all(), limit=2)] == [
        "王村乡便民服务中心", "城关镇便民服务中心"]


def test_the_responsibility_list_runs_by_unit_then_role_then_deadline(ledger, county):
    services.create_measure(finding=ledger.problem, text="城关镇的第二项", lead_unit=county.township_a,
                            deadline=date(2023, 8, 31))
    rows = [(row.unit.name, row.role, row.measure.text) for row in selectors.responsibility_rows(Measure.objects.all())]
    assert rows == [
        ("测试县行政审批服务中心", "lead", "常态化开展回访"),
        ("市场准入股", "lead", "制定年度工作方案，细化分解为24项具体工作"),
        ("城关镇便民服务中心", "lead", "城关镇的第二项"),
        ("城关镇便民服务中心", "lead", "规范乡镇便民服务中心运行"),
        ("城关镇便民服务中心", "supporting", "制定年度工作方案，细化分解为24项具体工作"),
        ("王村乡便民服务中心", "lead", "开展政企回访"),
    ]


def test_the_responsibility_list_is_read_in_one_query_whatever_it_shows(ledger, county, personas,
                                                                          django_assert_num_queries):
    from tongban.org.models import Staff

    chief = Staff.objects.get(user=personas.section_chief)
    services.update_measure(ledger.section_measure, expected_version=None, responsible_leader=chief,
                            responsible_person=chief)
    with django_assert_num_queries(1):
        shown = [(row.unit.name, row.measure.text[:4], row.measure.finding.description[:4],
                  getattr(row.measure.responsible_leader, "name", ""), getattr(row.measure.responsible_person, "name", ""))
                 for row in selectors.responsibility_rows(Measure.objects.all())]
    assert shown[1] == ("市场准入股", "制定年度", "牵头作用", "王股长", "王股长")
