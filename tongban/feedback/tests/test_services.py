"""The loop through the services: rating, callback, classification, 交办, answer, report back; complaints,
hotline orders, appeals; the default rating."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tongban.feedback import services
from tongban.feedback.choices import (
    AppealStatus, Classification, ComplaintCategory, HandlingStatus, Level, RatingChannel, RatingKind,
)
from tongban.feedback.models import Complaint, FeedbackSettings, Rating

pytestmark = pytest.mark.django_db


def test_a_closed_case_is_rated_once_and_a_second_rating_is_refused(make_case):
    case = make_case()
    rating = services.rate(case, level=Level.SATISFIED, channel=RatingChannel.WEB)
    assert rating.kind == RatingKind.CASE and rating.handling_status == ""
    with pytest.raises(ValidationError) as exc:
        services.rate(case, level=Level.VERY_SATISFIED, channel=RatingChannel.QR)
    assert exc.value.code == "feedback_already_rated"


def test_an_open_case_is_rated_per_visit_once_a_day(make_case):
    case = make_case(status="reviewing")
    rating = services.rate(case, level=Level.BASIC, channel=RatingChannel.WINDOW)
    assert rating.kind == RatingKind.VISIT and rating.visit_on == timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.rate(case, level=Level.BASIC, channel=RatingChannel.WINDOW)
    assert exc.value.code == "feedback_visit_rated"


def test_a_bad_rating_needs_a_reason_and_enters_the_loop_with_a_callback_due(make_case):
    case = make_case()
    with pytest.raises(ValidationError) as exc:
        services.rate(case, level=Level.UNSATISFIED, channel=RatingChannel.WEB)
    assert exc.value.code == "feedback_tags_required"
    rating = services.rate(case, level=Level.UNSATISFIED, channel=RatingChannel.WEB, tags=["overdue", "bogus"])
    assert rating.tags == ["overdue"] and rating.handling_status == HandlingStatus.NEW
    assert rating.callback_due > timezone.localdate() - timedelta(days=1)


def test_a_bad_rating_travels_the_whole_loop(make_case, county, personas, unit_clerk):
    rating = services.rate(make_case(), level=Level.VERY_UNSATISFIED, channel=RatingChannel.QR, tags=["attitude"])
    office = personas.rectification_office
    with pytest.raises(ValidationError) as exc:  # call back first
        services.assign(rating, classification=Classification.FIX_NOW, unit=county.department, by=office)
    assert exc.value.code == "feedback_call_first"
    services.record_rating_callback(rating, note="窗口人员语气生硬", by=office)
    rating = services.assign(rating, classification=Classification.FIX_NOW, unit=county.department, by=office)
    assert rating.handling_status == HandlingStatus.ASSIGNED and rating.due_date
    rating = services.answer(rating, text="已批评教育，窗口人员当面致歉", by=unit_clerk)
    assert rating.answered_on_time is True
    rating = services.close(rating, satisfied=True, note="已电话告知申请人，满意", by=office)
    assert rating.handling_status == HandlingStatus.CLOSED and rating.closed_at


def test_a_valid_rating_needing_time_opens_a_measure_whose_source_is_the_rating(make_case, county, personas):
    from tongban.rectification.choices import SourceKind

    office = personas.rectification_office
    rating = services.rate(make_case(), level=Level.UNSATISFIED, channel=RatingChannel.WEB, tags=["come_again"])
    services.record_rating_callback(rating, note="材料清单与实际不符", by=office)
    rating = services.assign(rating, classification=Classification.NEEDS_TIME, unit=county.department, by=office)
    measure = rating.measure
    assert measure.source_kind == SourceKind.RATING and measure.source == rating
    assert measure.lead_unit == county.department and measure.deadline > rating.due_date


def test_a_complaint_not_verified_is_reassigned_and_a_visit_is_needed_before_closing(county, personas, unit_clerk):
    office = personas.rectification_office
    complaint = services.submit_complaint(title="营业执照办不下来", content="跑了三次", anonymous=True)
    assert complaint.name == "" and complaint.handling_status == HandlingStatus.NEW
    complaint = services.assign(complaint, classification=Classification.FIX_NOW, unit=county.department,
                                category=ComplaintCategory.CANNOT_GET_DONE, by=office)
    assert complaint.upheld is True and complaint.unit == county.department
    services.answer(complaint, text="已约申请人现场办理", by=unit_clerk)
    complaint = services.close(complaint, satisfied=False, note="投诉人说还没办好", by=office)
    assert complaint.handling_status == HandlingStatus.ASSIGNED and complaint.reopened_count == 1
    services.answer(complaint, text="已办结", by=unit_clerk)
    with pytest.raises(ValidationError) as exc:
        services.close(complaint, satisfied=True, note="满意", by=office)
    assert exc.value.code == "feedback_visit_required"
    services.record_visit(complaint, note="11 月 20 日上门，企业满意", by=unit_clerk)
    assert services.close(complaint, satisfied=True, note="满意", by=office).handling_status == HandlingStatus.CLOSED


def test_named_complaints_need_a_name_and_phone_and_an_address_is_limited(db):
    with pytest.raises(ValidationError) as exc:
        services.submit_complaint(title="t", content="c", anonymous=False, name="王五")
    assert exc.value.code == "feedback_name_or_phone"
    policy = FeedbackSettings.load()
    policy.complaints_per_hour = 2
    policy.save()
    for _ in range(2):
        services.submit_complaint(title="t", content="c", anonymous=True, address="10.0.0.9")
    with pytest.raises(ValidationError) as exc:
        services.submit_complaint(title="t", content="c", anonymous=True, address="10.0.0.9")
    assert exc.value.code == "feedback_too_many"
    services.submit_complaint(title="t", content="c", anonymous=True, address="10.0.0.10")


def test_a_hotline_order_is_idempotent_keeps_edits_and_gets_its_urgency_deadline(county, personas):
    order = {"order_number": "12345-001", "title": "窗口午休无人", "content": "中午去办事没人", "urgency": "urgent"}
    complaint, created = services.receive_hotline_order(**order)
    again, created_again = services.receive_hotline_order(**order)
    assert created and not created_again and again.pk == complaint.pk
    Complaint.objects.filter(pk=complaint.pk).update(title="窗口午休无人值守（已核实）")
    services.receive_hotline_order(**{**order, "content": "中午十二点去办事没人"})
    complaint.refresh_from_db()
    assert complaint.title == "窗口午休无人值守（已核实）" and complaint.content == "中午十二点去办事没人"
    assigned = services.assign(complaint, classification=Classification.FIX_NOW, unit=county.center,
                               by=personas.rectification_office)
    from tongban.workdays.services import add_workdays

    assert assigned.due_date == add_workdays(timezone.localdate(), 1).date


def test_a_malicious_rating_can_be_appealed_and_an_upheld_appeal_leaves_the_figures(make_case, county, personas,
                                                                                    unit_clerk):
    from tongban.feedback.selectors import monthly_figures

    office = personas.rectification_office
    rating = services.rate(make_case(), level=Level.VERY_UNSATISFIED, channel=RatingChannel.WEB, tags=["other"])
    services.record_rating_callback(rating, note="申请人承认误点", by=office)
    services.assign(rating, classification=Classification.MALICIOUS, unit=county.department, by=office)
    assert monthly_figures(timezone.localdate()).bad == 1
    services.appeal(rating, reason="申请人误评", by=unit_clerk)
    rating = services.review_appeal(rating, upheld=True, note="属实，不计入", by=office)
    assert rating.appeal_status == AppealStatus.UPHELD
    assert monthly_figures(timezone.localdate()).bad == 0


def test_the_default_rating_is_given_after_the_set_days_only_when_set(make_case):
    old = make_case(closed_on=timezone.localdate() - timedelta(days=10))
    make_case(closed_on=timezone.localdate() - timedelta(days=2))
    assert services.apply_default_ratings(timezone.localdate()) == 0
    policy = FeedbackSettings.load()
    policy.default_level = Level.BASIC
    policy.save()
    assert services.apply_default_ratings(timezone.localdate()) == 1
    assert services.apply_default_ratings(timezone.localdate()) == 0
    rating = Rating.objects.get(case=old)
    assert rating.is_default and rating.channel == RatingChannel.DEFAULT and rating.level == Level.BASIC


def test_a_rating_token_names_its_case_and_channel_and_a_forged_one_is_refused(make_case):
    case = make_case()
    token = services.rating_token(case, RatingChannel.QR)
    assert services.read_rating_token(token) == (case, RatingChannel.QR)
    with pytest.raises(ValidationError):
        services.read_rating_token(token[:-2] + "xx")


def test_a_refused_application_is_rated_once_like_a_closed_case(make_case):
    case = make_case(status="refused")
    assert services.rate(case, level=Level.BASIC, channel=RatingChannel.WEB).kind == RatingKind.CASE
    assert services.existing_rating(case) is not None
