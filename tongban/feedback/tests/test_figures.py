"""The one selector of the monthly figures reconciles with the records; the loop's sources; the open problems
for the leader on duty; the counts per unit for the assessment."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from tongban.feedback import problems, selectors, services
from tongban.feedback.choices import Classification, Level, RatingChannel
from tongban.feedback.models import Rating

pytestmark = pytest.mark.django_db


def _rate(case, level, channel=RatingChannel.WEB, tags=("overdue",), when=None):
    rating = services.rate(case, level=level, channel=channel, tags=list(tags))
    if when:
        Rating.objects.filter(pk=rating.pk).update(rated_at=when)
        rating.refresh_from_db()
    return rating


def test_monthly_figures_reconcile_with_the_ratings(make_case, county, personas):
    when = timezone.make_aware(datetime(2026, 10, 15, 10))
    _rate(make_case(), Level.VERY_SATISFIED, RatingChannel.WINDOW, when=when)
    _rate(make_case(), Level.SATISFIED, RatingChannel.QR, when=when)
    bad = _rate(make_case(), Level.UNSATISFIED, tags=["overdue", "attitude"], when=when)
    _rate(make_case(), Level.VERY_UNSATISFIED, tags=["overdue"], when=when)
    _rate(make_case(), Level.SATISFIED, when=when + timedelta(days=40))  # November: not counted
    office = personas.rectification_office
    services.record_rating_callback(bad, note="已回访", by=office)
    bad = services.assign(bad, classification=Classification.FIX_NOW, unit=county.department, by=office)
    services.answer(bad, text="已整改", by=office)
    figures = selectors.monthly_figures(date(2026, 10, 1))
    assert (figures.total, figures.bad, figures.assigned_bad, figures.on_time) == (4, 2, 1, 1)
    assert figures.on_time_rate == 100 and figures.average_score == 3.0
    assert figures.top_tags[0] == ("超时限未说明理由", 2)
    assert sum(row["total"] for row in figures.by_channel) == figures.total
    assert [row["count"] for row in figures.by_level] == [1, 1, 0, 1, 1]
    assert "差评 2 条" in selectors.bulletin_section(date(2026, 10, 1))["text"]


def test_open_problems_lists_open_bad_ratings_complaints_and_failed_callbacks_of_the_units(make_case, county,
                                                                                            personas):
    office = personas.rectification_office
    bad = _rate(make_case(), Level.UNSATISFIED)
    other = _rate(make_case(window=county.township_window), Level.UNSATISFIED)
    complaint = services.submit_complaint(title="排队太久", content="两小时", anonymous=True)
    services.assign(complaint, classification=Classification.FIX_NOW, unit=county.center, by=office)
    today = timezone.localdate()
    found = problems.open_problems([county.center.pk], today)
    assert {(p.source, p.url) for p in found} == {("差评", bad.get_absolute_url()),
                                                  ("投诉", complaint.get_absolute_url())}
    assert all(p.unit_id == county.center.pk and p.since <= today for p in found)
    assert problems.open_problems([county.center.pk], today - timedelta(days=1)) == []
    assert [p.url for p in problems.open_problems([county.township_a.pk], today)] == [other.get_absolute_url()]


def test_the_assessment_counts_bad_ratings_and_upheld_complaints_per_unit_with_their_records(make_case, county,
                                                                                             personas):
    from tongban.assessment.sources import SOURCES

    office = personas.rectification_office
    _rate(make_case(), Level.UNSATISFIED)
    _rate(make_case(), Level.VERY_UNSATISFIED)
    _rate(make_case(), Level.SATISFIED)
    complaint = services.submit_complaint(title="乱收费", content="收了复印费", anonymous=True)
    services.assign(complaint, classification=Classification.FIX_NOW, unit=county.department, by=office)
    today = timezone.localdate()
    start = today.replace(day=1)

    def occurrences(key):
        return list(SOURCES[key].collect(start, today))

    bad = occurrences("feedback.bad_review")
    assert [o.unit_id for o in bad] == [county.center.pk] * 2 and all(o.label.startswith("差评：办件") for o in bad)
    upheld = occurrences("feedback.complaint_upheld")
    assert [(o.unit_id, o.url) for o in upheld] == [(county.department.pk, complaint.get_absolute_url())]
    assert occurrences("feedback.callback_unsatisfied") == []


def test_the_leader_on_duty_sheet_and_the_bulletin_carry_feedback(make_case, county, personas):
    from tongban.core import problems as registry
    from tongban.supervision.bulletin import bulletin_report
    from tongban.supervision.reports import Month

    bad = _rate(make_case(), Level.UNSATISFIED)
    today = timezone.localdate()
    assert ("差评", bad.get_absolute_url()) in {(p.source, p.url) for p in registry.open_problems([county.center.pk], today)}
    report = bulletin_report(Month.parse(today.strftime("%Y-%m")), today)
    section = next(s for s in report.sections if s.heading == "好差评与投诉情况")
    assert "差评 1 条" in section.paragraphs[0]


def test_the_loop_shows_every_source_side_by_side(make_case, county, personas):
    _rate(make_case(), Level.UNSATISFIED)
    services.receive_hotline_order(order_number="H-1", title="t", content="c")
    services.submit_complaint(title="t", content="c", anonymous=True)
    rows, months = selectors.loop_sources(personas.director, timezone.localdate())
    by_key = {row.key: row for row in rows}
    assert list(by_key) == ["inspection", "rating", "complaint", "hotline", "callback", "overdue"]
    assert (by_key["rating"].total, by_key["rating"].open) == (1, 1)
    assert by_key["hotline"].total == 1 and by_key["complaint"].total == 1
    assert by_key["rating"].trend[-1] == 1 and len(months) == 6


def test_the_loop_and_the_monthly_figures_give_one_on_time_rate_for_the_same_bad_ratings(make_case, county,
                                                                                         personas):
    office = personas.rectification_office
    answered = _rate(make_case(), Level.UNSATISFIED)
    services.record_rating_callback(answered, note="已回访", by=office)
    answered = services.assign(answered, classification=Classification.FIX_NOW, unit=county.department, by=office)
    services.answer(answered, text="已整改", by=office)  # on time, not yet verified with the applicant
    waiting = _rate(make_case(), Level.UNSATISFIED)
    services.record_rating_callback(waiting, note="已回访", by=office)
    services.assign(waiting, classification=Classification.FIX_NOW, unit=county.department, by=office)
    today = timezone.localdate()
    figures = selectors.monthly_figures(today)
    row = {row.key: row for row in selectors.loop_sources(personas.director, today)[0]}["rating"]
    assert figures.on_time_rate == row.on_time_rate == 50
