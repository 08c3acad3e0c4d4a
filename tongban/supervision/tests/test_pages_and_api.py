"""Every page and endpoint of supervision against the personas: who sees which 督办单 and card, who may answer,
404 for missing and not yours alike, Chinese errors and nothing lost."""
from __future__ import annotations

from datetime import date

import pytest

from tongban.supervision import services
from tongban.supervision.models import Card, Urge

pytestmark = pytest.mark.django_db


@pytest.fixture
def carded(accepted, county):
    """A 食品经营许可 case of 2025-09-26 scanned to 10-09: yellow cards for the centre (the case) and for
    县市场监管局 (its task), each with a 督办单."""
    case = accepted(date(2025, 9, 26))
    services.daily(date(2025, 9, 26))
    services.daily(date(2025, 10, 9))
    return case


def dept_urge(county):
    return Urge.objects.get(unit=county.department)


def test_the_order_list_shows_each_persona_the_orders_in_their_scope(carded, county, personas, case_people, client_for):
    samr = client_for(case_people.samr_reviewer).get("/supervision/orders/")
    assert samr.status_code == 200
    text = samr.content.decode()
    assert carded.number in text and "县市场监管局" in text and "测试县行政审批服务中心" not in text
    for persona in (personas.director, personas.inspector):
        page = client_for(persona).get("/supervision/orders/").content.decode()
        assert page.count(carded.number) == 2  # both 督办单, county-wide
    for persona in (personas.township_admin, personas.other_township_admin):
        page = client_for(persona).get("/supervision/orders/")
        assert page.status_code == 200 and carded.number not in page.content.decode()
        assert "没有待答复的督办单" in page.content.decode()


def test_an_order_of_another_unit_answers_404_like_a_missing_one(carded, county, personas, client_for):
    urge = dept_urge(county)
    client = client_for(personas.township_admin)
    assert client.get(f"/supervision/orders/{urge.pk}/").status_code == 404
    assert client.get("/supervision/orders/999999/").status_code == 404
    assert client.post(f"/supervision/orders/{urge.pk}/reply/", {"reply": "x"}).status_code == 404


def test_the_department_answers_on_the_page_and_an_empty_answer_keeps_the_form(carded, county, case_people, client_for):
    urge = dept_urge(county)
    client = client_for(case_people.samr_reviewer)
    page = client.get(f"/supervision/orders/{urge.pk}/").content.decode()
    assert "提交答复" in page
    empty = client.post(f"/supervision/orders/{urge.pk}/reply/", {"reply": "   "})
    assert empty.status_code == 400 and "请填写答复内容" in empty.content.decode()
    done = client.post(f"/supervision/orders/{urge.pk}/reply/", {"reply": "已现场核查，明日办结。"})
    assert done.status_code == 302
    urge.refresh_from_db()
    assert urge.status == "replied" and urge.replied_by == case_people.samr_reviewer
    assert "已现场核查" in client.get(f"/supervision/orders/{urge.pk}/").content.decode()


def test_a_reader_who_is_not_the_department_sees_no_reply_form_and_cannot_post_one(carded, county, personas, client_for):
    urge = dept_urge(county)
    client = client_for(personas.inspector)
    page = client.get(f"/supervision/orders/{urge.pk}/")
    assert page.status_code == 200 and "提交答复" not in page.content.decode()
    refused = client.post(f"/supervision/orders/{urge.pk}/reply/", {"reply": "代答"})
    assert refused.status_code == 403 and "只有责任部门" in refused.content.decode()
    assert Urge.objects.get(pk=urge.pk).status == "waiting"


def test_the_api_lists_cards_and_orders_in_scope(carded, county, personas, case_people, api_for):
    director = api_for(personas.director)
    cards = director.get("/api/v1/supervision/cards/").json()["results"]
    assert {c["unit_name"] for c in cards} == {county.center.name, county.department.name}
    assert all(c["case_number"] == carded.number and c["color"] == "yellow" for c in cards)
    samr = api_for(case_people.samr_reviewer)
    assert [c["unit"] for c in samr.get("/api/v1/supervision/cards/").json()["results"]] == [county.department.pk]
    assert samr.get("/api/v1/supervision/cards/?color=red").json()["results"] == []
    township = api_for(personas.township_admin)
    assert township.get("/api/v1/supervision/urges/").json()["results"] == []
    card = Card.objects.filter(unit=county.department).get()
    assert township.get(f"/api/v1/supervision/cards/{card.pk}/").status_code == 404
    urges = director.get("/api/v1/supervision/urges/?status=waiting").json()["results"]
    assert len(urges) == 2 and urges[0]["level_name"] == "督办"


def test_the_department_answers_through_the_api_and_others_are_refused(carded, county, personas, case_people, api_for):
    urge = dept_urge(county)
    assert api_for(personas.other_township_admin).post(
        f"/api/v1/supervision/urges/{urge.pk}/reply/", {"reply": "x"}).status_code == 404
    inspector = api_for(personas.inspector).post(f"/api/v1/supervision/urges/{urge.pk}/reply/", {"reply": "x"})
    assert inspector.status_code == 403 and "只有责任部门" in inspector.json()["detail"]
    empty = api_for(case_people.samr_reviewer).post(f"/api/v1/supervision/urges/{urge.pk}/reply/", {"reply": ""})
    assert empty.status_code == 400 and empty.json()["code"] == "urge_reply_required"
    done = api_for(case_people.samr_reviewer).post(f"/api/v1/supervision/urges/{urge.pk}/reply/",
                                                    {"reply": "已办结"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "replied" and done.json()["replied_by_name"] == "吴审查"
    again = api_for(case_people.samr_reviewer).post(f"/api/v1/supervision/urges/{urge.pk}/reply/", {"reply": "再答"})
    assert again.status_code == 400 and again.json()["code"] == "urge_already_replied"


def test_the_api_refuses_a_bad_month_filter_in_chinese(carded, personas, api_for):
    response = api_for(personas.director).get("/api/v1/supervision/cards/?month=2025-13")
    assert response.status_code == 400


def test_selectors_for_the_duty_page(carded, county, personas, case_people, accepted):
    from tongban.supervision import selectors

    cards = list(selectors.open_cards(personas.director, date(2025, 10, 13)))
    # Due 10-10; 10-11 (a make-up Saturday) and 10-13 are the working days since.
    assert len(cards) == 2 and all(c.overdue_workdays == 2 for c in cards)
    assert [c.unit_id for c in selectors.open_cards(case_people.samr_reviewer, date(2025, 10, 9))] == [county.department.pk]
    assert selectors.orders_waiting(personas.township_admin).count() == 0
    assert selectors.orders_waiting(personas.director).count() == 2
    assert selectors.due_soon(personas.director).count() == 2 and selectors.overdue(personas.director).count() == 0
    counts = sorted(selectors.card_counts_by_unit(date(2025, 10, 1)), key=lambda r: r["unit_id"])
    assert counts == [{"unit_id": county.center.pk, "unit": county.center.name, "yellow": 1, "red": 0},
                      {"unit_id": county.department.pk, "unit": county.department.name, "yellow": 1, "red": 0}]
    assert selectors.card_counts_by_unit(date(2025, 10, 1), case_people.samr_reviewer) == [counts[1]]
    accepted(date(2025, 10, 1))  # due 10-14: 临期 (yellow) on 10-13, when the first case is past the red line
    services.daily(date(2025, 10, 13))
    assert [c.card for c in selectors.open_cards(personas.director, date(2025, 10, 13))] == ["red", "red", "yellow", "yellow"]


def test_the_duty_page_shows_each_overdue_case_with_its_card_and_the_orders_waiting(carded, county, personas,
                                                                                   client_for):
    """The morning check carries the engine's cards and 督办单 (the hooks duty.html left): the case, overdue
    today and carded yellow by the last scan, shows its 黄牌; both 督办单 wait for an answer."""
    page = client_for(personas.director).get("/supervision/duty/").content.decode()
    overdue = page[page.index('id="overdue-table"'):page.index('id="due-soon"')]
    assert carded.number in overdue and "黄牌" in overdue and "红牌" not in overdue
    orders = page[page.index('id="orders-table"'):]
    assert orders.count(carded.number) == 2 and "县市场监管局" in orders
    assert 'id="stat-orders">2<' in page
    township = client_for(personas.township_admin).get("/supervision/duty/").content.decode()
    assert carded.number not in township and 'id="stat-orders">0<' in township


def test_the_order_list_and_api_name_each_orders_level_without_a_query_per_order(carded, personas, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tongban.supervision.models import EscalationStep

    client = client_for(personas.director)
    client.get("/supervision/orders/")  # warm the session and the calendar
    with CaptureQueriesContext(connection) as one_level:
        page = client.get("/supervision/orders/").content.decode()
    assert page.count("<td>督办</td>") == 2
    top = EscalationStep.objects.order_by("-level").first()
    Urge.objects.filter(pk=Urge.objects.order_by("pk").first().pk).update(level=1)
    Urge.objects.filter(pk=Urge.objects.order_by("pk").last().pk).update(level=top.level)
    with CaptureQueriesContext(connection) as two_levels:
        page = client.get("/supervision/orders/").content.decode()
    assert f"<td>{EscalationStep.objects.get(level=1).name}</td>" in page and f"<td>{top.name}</td>" in page
    assert len(two_levels) == len(one_level)
    body = client.get("/api/v1/supervision/urges/").json()
    names = {row["level"]: row["level_name"] for row in body["results"]}
    assert names == {1: EscalationStep.objects.get(level=1).name, top.level: top.name}
