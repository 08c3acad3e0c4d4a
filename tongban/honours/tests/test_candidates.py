"""Candidates from the records: who qualifies, who does not and why, each figure with its record."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tongban.honours.periods import HonourPeriod
from tongban.honours.tests.conftest import OCTOBER

TODAY = date(2025, 11, 5)
pytestmark = pytest.mark.django_db


def _by_name(rows):
    return {c.name: c for c in rows}


def test_service_star_candidates_come_from_scores_ratings_complaints_and_attendance(hall, county):
    from tongban.honours import selectors

    rows = selectors.candidates(hall.kinds["service-star"], HonourPeriod.of("monthly", OCTOBER), today=TODAY)
    found = _by_name(rows)
    star = found["郑标兵"]
    # 冯迟到's late arrival costs the department 0.5 in the assessment: 郑标兵 ranks after 褚乡镇 (100).
    assert star.eligible and star.rank == 2
    assert star.score == Decimal("99.50") and star.ratings == 2 and star.average == Decimal("5.00")
    assert star.sheets[0].url.startswith("/assessment/sheets/")
    assert found["冯迟到"].shortfalls == ["迟到早退 1 次"]
    assert "10-20 迟到（09:20 打卡）" in found["冯迟到"].lateness[0].label
    bad = found["陈差评"]
    assert bad.shortfalls == ["差评 1 条"] and bad.bad_reviews[0].url == hall.bad_rating.get_absolute_url()
    # The 差评 and the complaint are charged to the township in the assessment too: 96, still above 90.
    assert bad.score == Decimal("96.00")
    assert found["卫投诉"].shortfalls == ["属实投诉 1 件"]
    assert found["卫投诉"].complaints[0].url == hall.complaint.get_absolute_url()
    # The centre's own window is not assessed: no score, not a candidate under a minimum score.
    assert found["赵窗口"].shortfalls == ["本期没有效能考核得分"]
    assert [c.name for c in rows if c.eligible] == ["褚乡镇", "郑标兵"]
    assert "张主任" not in found  # people not at a window are not in a window-staff kind


def test_an_upheld_appeal_takes_the_bad_review_out(hall, personas):
    from tongban.feedback.choices import AppealStatus
    from tongban.honours import selectors

    hall.bad_rating.appeal_status = AppealStatus.UPHELD
    hall.bad_rating.save(update_fields=["appeal_status"])
    rows = selectors.candidates(hall.kinds["service-star"], HonourPeriod.of("monthly", OCTOBER), today=TODAY)
    assert _by_name(rows)["陈差评"].eligible


def test_party_model_post_lists_only_registered_party_members(hall):
    from tongban.honours import selectors

    quarter = HonourPeriod.parse("2025-Q4", "quarterly")
    assert [c.name for c in selectors.candidates(hall.kinds["party-model"], quarter, today=TODAY)] == ["郑标兵"]
    assert [c.name for c in selectors.candidates(hall.kinds["women-pioneer"], quarter, today=TODAY)] == ["褚乡镇"]


def test_a_window_kind_counts_every_person_at_the_window(hall, county):
    from tongban.honours import selectors
    from tongban.honours.models import HonourKind

    kind = HonourKind.objects.create(code="red-flag", name="红旗窗口", subject="window", min_score=Decimal("90"))
    found = _by_name(selectors.candidates(kind, HonourPeriod.of("monthly", OCTOBER), today=TODAY))
    specialist = found[county.specialist_window.name]
    assert specialist.ratings == 2 and specialist.shortfalls == ["迟到早退 1 次"]  # 冯迟到 works there
    assert found[county.township_window.name].shortfalls == ["差评 1 条", "属实投诉 1 件"]
    assert found["王村乡综合窗口"].eligible


def test_a_township_admin_sees_only_candidates_of_their_township(hall, personas):
    from tongban.honours import selectors

    rows = selectors.candidates(hall.kinds["service-star"], HonourPeriod.of("monthly", OCTOBER),
                                personas.township_admin, today=TODAY)
    assert sorted(c.name for c in rows) == ["卫投诉", "陈差评"]


def test_candidates_are_read_in_a_fixed_number_of_queries(hall, django_assert_max_num_queries):
    from tongban.honours import selectors

    period = HonourPeriod.of("monthly", OCTOBER)
    with django_assert_max_num_queries(20):
        rows = selectors.candidates(hall.kinds["service-star"], period, today=TODAY)
    assert len(rows) == 6  # the five people of the hall fixture and 赵窗口


@pytest.mark.parametrize("text,kind,key", [("2025-10", "monthly", "2025-10"), ("2025-q4", "quarterly", "2025-Q4"),
                                           ("2025-Q1", "quarterly", "2025-Q1")])
def test_periods_read_months_and_quarters(text, kind, key):
    period = HonourPeriod.parse(text, kind)
    assert period.key == key and period.previous().last < period.first


@pytest.mark.parametrize("text", ["2025-13", "1999-01", "2025-Q5", "abc", ""])
def test_a_bad_period_is_refused_in_chinese(text):
    with pytest.raises(ValueError, match="评选期"):
        HonourPeriod.parse(text, "quarterly" if "Q" in text else "monthly")
