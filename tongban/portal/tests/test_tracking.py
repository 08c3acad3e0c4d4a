"""办件进度查询 (/portal/track/, no login): the case number and the last four characters open the case's progress
and nothing personal; a wrong number and a wrong factor read alike; an address that keeps failing waits."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from tongban.cases import notices, tracking
from tongban.cases.models import TrackingAttempt
from tongban.cases.services import delivery, intake, review
from tongban.cases.tests.conftest import (  # noqa: F401  (fixtures)
    ORG_CODE,
    VALID_ID,
    applicant,
    case_people,
    person_applicant,
    receive,
    restaurant,
)

pytestmark = pytest.mark.django_db

URL = "/portal/track/"


def look_up(client, number, factor, address="203.0.113.7"):
    return client.post(URL, {"number": number, "factor": factor}, REMOTE_ADDR=address)


def result(response) -> str:
    """The answer part of the page (the form and its CSRF token aside)."""
    page = response.content.decode()
    return page[page.index("</form>", page.index('id="track-form"')):page.index("如有疑问")]


@pytest.fixture
def food_case(county, case_people, restaurant):
    """A 食品经营许可 case of 李四 (ID …002X, phone …5678), 经营场所平面图 pending under 容缺."""
    case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.food,
                               applicant=person_applicant(), materials={"health_cert": "received",
                                                                        "business_licence": "received"})
    return intake.accept_pending(case, by=case_people.clerk, pending=["layout_plan"], promise_signed=True)


def test_the_applicant_finds_the_case_with_the_last_four_of_the_id_number(client, food_case):
    response = look_up(client, food_case.number, "002x")
    page = result(response)
    assert response.status_code == 200
    assert "食品经营许可" in page and "已受理，正在审查" in page and food_case.number in page
    assert re.search(r'id="track-due">[0-9]{4}年', page)
    assert "经营场所平面图" in page and "容缺后补的材料" in page
    # nothing personal, no staff
    for secret in (VALID_ID, "13900005678", "李四", "赵窗口", "综合受理一号窗"):
        assert secret not in response.content.decode()


def test_the_last_four_of_the_phone_opens_it_too(client, food_case):
    assert "已受理，正在审查" in result(look_up(client, f" {food_case.number} ", "5678"))


def test_an_organisation_uses_the_last_four_of_its_credit_code(client, receive):
    case = receive(applicant=applicant())
    assert "已收件，等待受理" in result(look_up(client, case.number, ORG_CODE[-4:].lower()))


def test_a_wrong_number_and_a_wrong_factor_read_exactly_alike(client, food_case):
    wrong_factor = look_up(client, food_case.number, "1234")
    wrong_number = look_up(client, str(int(food_case.number) + 1), "002X")
    assert wrong_factor.status_code == wrong_number.status_code == 200
    assert result(wrong_factor) == result(wrong_number)
    assert "查无此件" in result(wrong_factor) and "食品经营许可" not in result(wrong_factor)
    assert TrackingAttempt.objects.count() == 2


@pytest.mark.parametrize("data", [
    {}, {"number": "x" * 100_000, "factor": "002X"}, {"number": ["a", "b"], "factor": "002X"},
    {"number": "' OR 1=1 --", "factor": "\x00\x00\x00\x00"}, {"number": "１２３", "factor": "全角数字"},
])
def test_no_post_gives_a_500(client, food_case, data):
    response = client.post(URL, data, REMOTE_ADDR="203.0.113.8")
    assert response.status_code == 200 and "查无此件" in response.content.decode()


def test_an_address_that_keeps_failing_waits_for_the_cooloff(client, food_case, settings):
    import time_machine

    settings.TRACKING_FAILURE_LIMIT = 3
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            look_up(client, food_case.number, "0000")
        refused = look_up(client, food_case.number, "002X")  # even the right factor
        assert refused.status_code == 429 and "食品经营许可" not in refused.content.decode()
        assert "分钟后再试" in refused.content.decode()
        assert "已受理" in result(look_up(client, food_case.number, "002X", address="198.51.100.1"))  # another address
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME + timedelta(seconds=1), tick=False):
        assert "已受理" in result(look_up(client, food_case.number, "002X"))


def test_old_failures_are_deleted_as_new_ones_come(client, food_case, settings):
    import time_machine

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        look_up(client, "1", "0000", address="192.0.2.1")
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME + timedelta(minutes=1), tick=False):
        look_up(client, "2", "0000", address="192.0.2.2")
    assert list(TrackingAttempt.objects.values_list("ip_address", flat=True)) == ["192.0.2.2"]


def test_a_case_waiting_for_correction_lists_the_materials_to_bring_without_the_clerks_notes(client, county,
                                                                                             case_people, restaurant):
    case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.food,
                               applicant=person_applicant(), materials={
                                   "business_licence": "received", "layout_plan": "received",
                                   "health_cert": {"state": "defective", "problem": "照片与本人不符，疑似冒用"}})
    intake.notify_correction(case, by=case_people.clerk)
    page = result(look_up(client, case.number, "002X"))
    assert "材料需要补正" in page and "从业人员健康证明" in page and "需要补正的材料" in page
    assert "冒用" not in page


def test_a_delivered_case_shows_the_decision_and_how_it_was_handed_over(client, county, case_people, restaurant):
    case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.food,
                               applicant=person_applicant(), materials={
                                   "business_licence": "received", "layout_plan": "received", "health_cert": "received"})
    case = intake.accept(case, by=case_people.clerk)
    case = review.approve(case, by=case_people.samr_reviewer, task=case.tasks.get(), reason="符合条件",
                          result_number="JY14101000001")
    case = delivery.deliver(case, by=case_people.delivery_clerk, method="post", tracking_number="SF1234567890",
                            recipient="李四")
    response = look_up(client, case.number, "5678")
    page = result(response)
    assert "已办结" in page and "准予许可" in page and "邮寄送达" in page
    for hidden in ("SF1234567890", "JY14101000001", "符合条件", "陈出件", "吴审查", "李四"):
        assert hidden not in response.content.decode()


def test_the_notices_tracking_link_opens_this_page_with_the_number_filled_in(client, food_case, settings):
    link = notices.context(food_case)["tracking_link"]
    assert link == f"{settings.SITE_URL.rstrip('/')}/portal/track/?number={food_case.number}"
    page = client.get(link.removeprefix(settings.SITE_URL.rstrip("/"))).content.decode()
    assert f'name="number" value="{food_case.number}"' in page


def test_the_portal_home_and_footer_lead_to_the_tracking_page(client, county):
    page = client.get("/portal/").content.decode()
    assert 'id="track-link" href="/portal/track/"' in page and page.count('href="/portal/track/"') == 2


def test_the_public_view_never_carries_personal_fields():
    assert not {"applicant_name", "id_number", "phone", "recipient", "tracking_number", "licence_number",
                "reason", "actor"} & set(tracking.PublicCase.__dataclass_fields__)


def test_a_case_number_is_looked_up_whole_only(client, food_case):
    assert "查无此件" in result(look_up(client, food_case.number[:-1], "002X"))
