"""网上回访 by QR code and the 12345 answer returned: the private link (only its hash kept, replaced when made
again, wrong links limited per address), the applicant's answer recorded once through the phone's service,
an unsatisfied answer in the loop; the hotline order's answer returned once, shown and in the API."""
from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tongban.cases.models import TrackingAttempt
from tongban.feedback import sampling, services
from tongban.feedback.choices import CallbackMethod, CallbackOutcome, Classification, HandlingStatus
from tongban.feedback.models import CallbackItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(make_case):
    make_case(closed_on=date(2026, 10, 5))
    sampling.sample_month(date(2026, 10, 1))
    return CallbackItem.objects.get()


def _answer_url(token: str) -> str:
    return reverse("feedback:callback_answer", args=[token])


def test_the_link_is_random_only_its_hash_is_kept_and_making_it_again_retires_the_old_one(item, personas):
    first = services.issue_online_callback(item, by=personas.rectification_office)
    item.refresh_from_db()
    assert len(first) >= 30 and first not in item.online_key and item.online_key != first
    second = services.issue_online_callback(item, by=personas.rectification_office)
    assert services.callback_for_token(first) is None
    assert services.callback_for_token(second) == item


def test_the_applicant_answers_satisfied_once_recorded_as_the_phone_would(client, item, personas):
    token = services.issue_online_callback(item, by=personas.rectification_office)
    page = client.get(_answer_url(token))
    assert page.status_code == 200 and item.case.number in page.content.decode()
    assert client.post(_answer_url(token), {"satisfied": "yes"}).status_code == 302
    item.refresh_from_db()
    assert (item.outcome, item.method, item.tries, item.answered_by, item.handling_status) == (
        CallbackOutcome.SATISFIED, CallbackMethod.ONLINE, 1, None, "")
    again = client.post(_answer_url(token), {"satisfied": "no", "remarks": "改主意了"})
    assert again.status_code == 200 and 'id="callback-answer-form"' not in again.content.decode()
    item.refresh_from_db()
    assert item.outcome == CallbackOutcome.SATISFIED and item.tries == 1
    with pytest.raises(ValidationError, match="已经答复过了"):
        services.answer_callback_online(item, satisfied=False, remarks="再答一次")


def test_an_unsatisfied_online_answer_needs_a_reason_and_enters_the_loop(client, item, county, personas,
                                                                         django_capture_on_commit_callbacks):
    from tongban.notifications.models import Notification

    token = services.issue_online_callback(item, by=personas.rectification_office)
    refused = client.post(_answer_url(token), {"satisfied": "no"})
    assert refused.status_code == 400 and "原因" in refused.content.decode()
    assert client.post(_answer_url(token), {"satisfied": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_answer_url(token), {"satisfied": "no", "reasons": ["long_wait", "nonsense"], "remarks": "等太久"})
    assert Notification.objects.filter(recipient=personas.rectification_office, title__startswith="网上回访不满意").exists()
    item.refresh_from_db()
    assert item.outcome == CallbackOutcome.UNSATISFIED and item.handling_status == HandlingStatus.NEW
    assert item.remarks == "原因：排队等候时间长；等太久"
    services.assign(item, classification=Classification.FIX_NOW, unit=county.department,
                    by=personas.rectification_office)
    with pytest.raises(ValidationError, match="不能再记录"):
        services.record_callback(item, outcome=CallbackOutcome.SATISFIED, by=personas.rectification_office)


def test_wrong_links_are_counted_per_address_and_then_refused(client, item, settings):
    settings.TRACKING_FAILURE_LIMIT = 2
    for _ in range(2):
        wrong = client.get(_answer_url("x" * 32))
        assert wrong.status_code == 404 and "回访链接无效" in wrong.content.decode()
    assert "<title>政务服务回访" in wrong.content.decode() or "政务服务回访</h1>" in wrong.content.decode()
    assert TrackingAttempt.objects.count() == 2
    assert client.get(_answer_url("y" * 32)).status_code == 429


def test_only_the_office_makes_the_printable_qr_sheet_and_not_once_answered(client_for, personas, item):
    url = reverse("feedback:action", args=["callback", item.pk, "online"])
    assert client_for(personas.window_clerk).post(url).status_code in (403, 404)
    sheet = client_for(personas.rectification_office).post(url, follow=True)  # post, redirect, get
    text = sheet.content.decode()
    assert sheet.status_code == 200 and "<svg" in text and "/feedback/callback/" in text and "<?xml" not in text
    item.refresh_from_db()
    services.record_callback(item, outcome=CallbackOutcome.SATISFIED, by=personas.rectification_office)
    refused = client_for(personas.rectification_office).post(url)
    assert refused.status_code == 400 and "不能再记录" in refused.content.decode()


def test_the_callback_list_marks_the_answers_given_online(client_for, personas, item):
    token = services.issue_online_callback(item, by=personas.rectification_office)
    services.answer_callback_online(services.callback_for_token(token), satisfied=True)
    listing = client_for(personas.rectification_office).get(reverse("feedback:callback_list") + "?month=2026-10")
    assert "网上答复" in listing.content.decode()


# --- 12345: the answer returned ---------------------------------------------------------------------------

def test_a_hotline_answer_is_returned_once_after_the_unit_answers(county, personas, api_for):
    office = personas.rectification_office
    order, _ = services.receive_hotline_order(order_number="GD-9", title="执照慢", content="十天未出")
    services.assign(order, classification=Classification.FIX_NOW, unit=county.department, by=office)
    with pytest.raises(ValidationError, match="不能回传答复"):
        services.return_hotline_answer(order, by=office)
    services.answer(order, text="已发证", by=office)
    order = services.return_hotline_answer(order, by=office)
    assert order.returned_at is not None
    with pytest.raises(ValidationError, match="已于"):
        services.return_hotline_answer(order, by=office)
    listed = api_for(office).get(f"/api/v1/feedback/complaints/{order.pk}/").json()
    assert listed["returned_at"] and listed["answer"] == "已发证"


def test_a_complaint_from_the_form_has_nothing_to_return(county, personas):
    complaint = services.submit_complaint(title="t", content="c", anonymous=True)
    with pytest.raises(ValidationError, match="只有 12345 工单"):
        services.return_hotline_answer(complaint, by=personas.rectification_office)


def test_an_order_reopened_and_answered_again_is_returned_again(county, personas, client_for):
    from tongban.history.models import DomainEvent

    office = personas.rectification_office
    order, _ = services.receive_hotline_order(order_number="GD-10", title="执照慢", content="十天未出")
    services.assign(order, classification=Classification.FIX_NOW, unit=county.department, by=office)
    services.answer(order, text="已发证", by=office)
    first = services.return_hotline_answer(order, by=office).returned_at
    services.close(order, satisfied=False, note="群众称未收到执照", by=office)
    order.refresh_from_db()
    assert order.returned_at is None  # the new answer has not been returned yet
    listing = client_for(office).get(reverse("feedback:complaint_list")).content.decode()
    assert "GD-10" in listing or order.number in listing
    assert 'data-returned="1"' not in listing
    with pytest.raises(ValidationError, match="不能回传答复"):
        services.return_hotline_answer(order, by=office)  # reopened: nothing new to return yet
    services.answer(order, text="已邮寄执照", by=office)
    order = services.return_hotline_answer(order, by=office)
    assert order.returned_at >= first
    returns = DomainEvent.objects.filter(code="feedback.hotline.returned", object_id=str(order.pk)).count()
    reopened = DomainEvent.objects.get(code="feedback.reopened", object_id=str(order.pk))
    assert returns == 2 and "此前已回传" in reopened.message  # the earlier return stays in the history


def test_a_staff_note_never_shows_on_the_applicants_page(client, item, personas):
    office = personas.rectification_office
    services.record_callback(item, outcome=CallbackOutcome.UNREACHED, remarks="未接通，家属说晚上再打", by=office)
    token = services.issue_online_callback(item, by=office)
    assert client.post(_answer_url(token), {"satisfied": "yes", "remarks": ""}).status_code == 302
    page = client.get(_answer_url(token)).content.decode()
    assert "满意" in page and "家属" not in page
    item.refresh_from_db()
    assert item.remarks == "" and item.method == CallbackMethod.ONLINE


def test_a_phone_answer_shows_no_staff_words_on_the_applicants_page(client, item, personas):
    office = personas.rectification_office
    token = services.issue_online_callback(item, by=office)
    services.record_callback(item, outcome=CallbackOutcome.SATISFIED, remarks="申请人说还行，回访员备注：语气冷淡",
                             method=CallbackMethod.PHONE, by=office)
    page = client.get(_answer_url(token)).content.decode()
    assert "满意" in page and "回访员备注" not in page


def test_the_applicants_own_words_are_shown_back_to_them(client, item, personas):
    office = personas.rectification_office
    services.record_callback(item, outcome=CallbackOutcome.UNREACHED, remarks="未接通，家属说晚上再打", by=office)
    token = services.issue_online_callback(item, by=office)
    client.post(_answer_url(token), {"satisfied": "yes", "remarks": "窗口很耐心"})
    page = client.get(_answer_url(token)).content.decode()
    assert "窗口很耐心" in page and "家属" not in page


def test_the_qr_sheet_is_shown_by_a_get_that_issues_nothing(client_for, personas, item):
    from tongban.history.models import DomainEvent

    office = client_for(personas.rectification_office)
    made = office.post(reverse("feedback:action", args=["callback", item.pk, "online"]))
    assert made.status_code == 302
    sheet_url = made["Location"]
    first = office.get(sheet_url)
    key = CallbackItem.objects.get(pk=item.pk).online_key
    again = office.get(sheet_url)  # a reload, or back to the sheet
    assert CallbackItem.objects.get(pk=item.pk).online_key == key
    assert DomainEvent.objects.filter(code="feedback.callback.link").count() == 1
    link = first.context["link"]
    assert services.callback_for_token(link.rsplit("/", 2)[-2]) == item
    assert again.context["link"] == link and link in again.content.decode()
    assert again["Cache-Control"] == "no-store"


def test_the_qr_sheet_of_a_replaced_link_is_not_shown_again(client_for, personas, item):
    office = client_for(personas.rectification_office)
    sheet_url = office.post(reverse("feedback:action", args=["callback", item.pk, "online"]))["Location"]
    services.issue_online_callback(item, by=personas.rectification_office)  # made again elsewhere
    stale = office.get(sheet_url).content.decode()
    assert "/feedback/callback/" not in stale and "重新生成" in stale


def test_another_user_cannot_open_the_qr_sheet(client_for, personas, item):
    office = client_for(personas.rectification_office)
    sheet_url = office.post(reverse("feedback:action", args=["callback", item.pk, "online"]))["Location"]
    assert client_for(personas.window_clerk).get(sheet_url).status_code in (403, 404)
    other = client_for(personas.admin).get(sheet_url)  # a manager, but not the one who made it
    assert "/feedback/callback/" not in other.content.decode()


def test_wrong_callback_links_are_counted_apart_from_the_tracking_page(client, item, personas, settings):
    from tongban.cases import tracking

    settings.TRACKING_FAILURE_LIMIT = 2
    token = services.issue_online_callback(item, by=personas.rectification_office)
    for _ in range(2):
        tracking.record_failure("127.0.0.1")  # a neighbour behind the same address mistypes a case number
    assert tracking.is_limited("127.0.0.1")
    assert client.get(_answer_url(token)).status_code == 200  # the applicant still answers
    for _ in range(2):
        wrong = client.get(_answer_url("x" * 32))
        assert wrong.status_code == 404 and wrong["Cache-Control"] == "no-store"
    kinds = set(TrackingAttempt.objects.values_list("kind", flat=True))
    assert kinds == {TrackingAttempt.Kind.TRACKING, TrackingAttempt.Kind.CALLBACK}
    assert TrackingAttempt.objects.filter(kind=TrackingAttempt.Kind.CALLBACK).count() == 2
    assert client.get(_answer_url(token)).status_code == 429


def test_wrong_callback_links_do_not_lock_the_tracking_page(client, item, settings):
    from tongban.cases import tracking

    settings.TRACKING_FAILURE_LIMIT = 2
    for _ in range(2):
        client.get(_answer_url("x" * 32))
    assert not tracking.is_limited("127.0.0.1")
    assert tracking.is_limited("127.0.0.1", tracking.Kind.CALLBACK)


def test_a_session_dump_never_holds_a_usable_callback_link(client_for, personas, item):
    """The sheet's session keeps the link's hash and the link sealed with a key derived from SECRET_KEY: what the
    session table holds (or a stolen session cookie's data) answers no callback; the sheet still shows the QR."""
    import json

    from django.contrib.sessions.models import Session

    office = client_for(personas.rectification_office)
    sheet_url = office.post(reverse("feedback:action", args=["callback", item.pk, "online"]))["Location"]
    link = office.get(sheet_url).context["link"]
    token = link.rsplit("/", 2)[-2]
    assert services.callback_for_token(token) == item

    dump = json.dumps([Session.objects.get(pk=s.session_key).get_decoded() for s in Session.objects.all()])
    assert token not in dump
    for value in office.session.values():
        for text in (value.values() if isinstance(value, dict) else [value]):
            assert services.callback_for_token(str(text)) is None
    assert office.get(sheet_url).context["link"] == link  # a reload shows the same link


def test_a_raw_link_left_in_a_session_from_before_is_not_shown_and_is_forgotten(client_for, personas, item):
    office = client_for(personas.rectification_office)
    sheet_url = office.post(reverse("feedback:action", args=["callback", item.pk, "online"]))["Location"]
    token = services.issue_online_callback(item, by=personas.rectification_office)
    session = office.session
    session[f"feedback.callback_sheet.{item.pk}"] = token  # what the session held before the link was sealed
    session.save()
    page = office.get(sheet_url)
    assert page.context["link"] == "" and token not in page.content.decode()
    assert f"feedback.callback_sheet.{item.pk}" not in office.session
