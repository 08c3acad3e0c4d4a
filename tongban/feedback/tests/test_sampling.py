"""回访 sampling: share per window, reproducible, explainable, one applicant once a month; callbacks recorded."""
from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tongban.feedback import sampling, services
from tongban.feedback.choices import CallbackOutcome, Classification, HandlingStatus
from tongban.feedback.models import CallbackItem, CallbackSample, FeedbackSettings

pytestmark = pytest.mark.django_db
MONTH = date(2026, 10, 1)


@pytest.fixture
def october(make_case, county):
    """Ten closed cases at A01 (two by the same applicant), four at the township window, one in November."""
    cases = [make_case(closed_on=date(2026, 10, 5 + i)) for i in range(8)]
    cases += [make_case(closed_on=date(2026, 10, 20), id_number="110105194912310099")] * 1
    cases.append(make_case(closed_on=date(2026, 10, 21), id_number="110105194912310099"))
    cases += [make_case(window=county.township_window, closed_on=date(2026, 10, 9)) for _ in range(4)]
    make_case(closed_on=date(2026, 11, 2))
    return cases


def test_each_window_gets_its_share_rounded_up_and_the_note_explains_it(october, county):
    result = sampling.sample_month(MONTH)
    assert result == {"month": "2026-10", "samples": 2, "items": 3 + 2}
    a01 = CallbackSample.objects.get(window=county.intake_window)
    assert (a01.population, a01.chosen, a01.share_percent) == (10, 3, 30)
    assert "办结 10 件" in a01.note and "2026-10/A01" in a01.note
    assert all("随机顺序第" in item.reason for item in a01.items.all())


def test_sampling_is_reproducible_and_running_again_changes_nothing(october):
    first = [(d.window.pk, [c[0] for c in d.chosen]) for d in sampling.draw(MONTH, 30)]
    assert first == [(d.window.pk, [c[0] for c in d.chosen]) for d in sampling.draw(MONTH, 30)]
    sampling.sample_month(MONTH)
    stored = sorted(CallbackItem.objects.values_list("case_id", flat=True))
    assert sampling.sample_month(MONTH)["samples"] == 0
    assert sorted(CallbackItem.objects.values_list("case_id", flat=True)) == stored
    assert sorted(pk for _, pks in first for pk in pks) == stored


def test_the_same_applicant_is_called_once_a_month(make_case):
    for day in range(1, 11):
        make_case(closed_on=date(2026, 10, day), id_number="110105194912310099")
    policy = FeedbackSettings.load()
    policy.callback_share_percent = 50
    policy.save()
    sampling.sample_month(MONTH)
    assert CallbackItem.objects.count() == 1
    assert "跳过本月已被抽到的申请人" in CallbackSample.objects.get().note


def test_a_share_outside_30_to_50_is_refused(db):
    with pytest.raises(ValidationError) as exc:
        sampling.draw(MONTH, 60)
    assert exc.value.code == "feedback_share_range"


def test_a_callback_not_reached_n_times_fails_and_an_unsatisfied_one_enters_the_loop(october, county, personas):
    sampling.sample_month(MONTH)
    office = personas.rectification_office
    first, second = CallbackItem.objects.order_by("pk")[:2]
    for _ in range(2):
        first = services.record_callback(first, outcome=CallbackOutcome.UNREACHED, by=office)
        assert first.outcome == CallbackOutcome.PENDING
    first = services.record_callback(first, outcome=CallbackOutcome.UNREACHED, by=office)
    assert first.outcome == CallbackOutcome.UNREACHED and first.tries == 3
    with pytest.raises(ValidationError):
        services.record_callback(second, outcome=CallbackOutcome.UNSATISFIED, remarks="", by=office)
    second = services.record_callback(second, outcome=CallbackOutcome.UNSATISFIED, remarks="多跑了两趟", by=office)
    assert second.handling_status == HandlingStatus.NEW
    second = services.assign(second, classification=Classification.NEEDS_TIME, unit=county.center, by=office)
    assert second.measure.source == second and second.measure.source_kind == "callback"


def test_the_monthly_job_samples_the_previous_month(october):
    from tongban.feedback.jobs import callback_sample

    assert callback_sample(None, date(2026, 11, 2))["samples"] == 2
