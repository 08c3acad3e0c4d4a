"""收件登记 reports every problem at once — on the page next to each field, with what was typed kept, and in the
API as one 400 naming every field — and no post, however odd, gives a 500."""
from __future__ import annotations

import re

import pytest

from tongban.cases.models import Case
from tongban.cases.services import intake
from tongban.cases.tests.conftest import ALL_BROUGHT, ORG_CODE, VALID_ID, person_applicant

pytestmark = pytest.mark.django_db

BAD_ID = "110105194912310021"  # check digit should be X


def field_errors(page: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, text in re.findall(r'data-field="([^"]+)">([^<]*)<', page):
        found.setdefault(name, []).append(text)
    return found


def post_intake(client_for, case_people, restaurant, **data):
    data.setdefault("item", restaurant.food.pk)
    response = client_for(case_people.clerk).post("/cases/new/", data)
    return response, response.content.decode()


# --- the service -----------------------------------------------------------------------------------

def test_clean_applicant_reports_every_field_with_its_code():
    with pytest.raises(Exception) as raised:
        intake.clean_applicant({"applicant_kind": "person", "applicant_name": "", "id_number": BAD_ID,
                                "phone": "12345", "agent_name": "代办甲", "agent_id_number": ""})
    codes = {field: [e.code for e in errors] for field, errors in raised.value.error_dict.items()}
    assert codes == {"applicant_name": ["case_name_required"], "id_number": ["case_id_check"],
                     "phone": ["case_phone_format"], "agent_id_number": ["case_id_required"]}


def test_an_organisations_bad_credit_code_and_missing_phone_come_together():
    with pytest.raises(Exception) as raised:
        intake.clean_applicant({"applicant_kind": "organisation", "applicant_name": "甲公司",
                                "id_number": ORG_CODE[:-1] + "0", "phone": ""})
    errors = raised.value.error_dict
    assert set(errors) == {"id_number", "phone"}
    assert "校验" in errors["id_number"][0].message and errors["phone"][0].code == "case_phone_required"


def test_a_valid_applicant_is_normalised():
    cleaned = intake.clean_applicant(person_applicant(id_number=VALID_ID.lower().replace("x", "x ")))
    assert cleaned["id_number"] == VALID_ID and cleaned["id_type"] == "resident_id"


def test_a_value_longer_than_its_column_is_refused_not_echoed():
    with pytest.raises(Exception) as raised:
        intake.clean_applicant(person_applicant(id_number="1" * 5000, applicant_name="名" * 201))
    errors = raised.value.error_dict
    assert [e.code for e in errors["id_number"]] == ["case_too_long"] and "1111" not in str(errors["id_number"])
    assert [e.code for e in errors["applicant_name"]] == ["case_too_long"]


# --- the page --------------------------------------------------------------------------------------

def test_the_page_shows_every_error_next_to_its_field_and_keeps_what_was_typed(client_for, case_people, restaurant):
    response, page = post_intake(
        client_for, case_people, restaurant, applicant_kind="person", applicant_name="", id_number=BAD_ID,
        phone="12345", agent_name="代办甲", agent_id_number="", contact_name="小王",
        m_layout_plan="received", p_health_cert="照片模糊", m_health_cert="defective", o_layout_plan="abc")
    assert response.status_code == 400
    errors = field_errors(page)
    assert set(errors) == {"applicant_name", "id_number", "phone", "agent_id_number", "o_layout_plan"}
    assert "有 5 处需要修改" in page
    assert "请填写申请人名称" in errors["applicant_name"][0]
    assert "校验位不正确" in errors["id_number"][0] and "X" in errors["id_number"][0]
    assert "联系电话" in errors["phone"][0] and "代办人" in errors["agent_id_number"][0]
    assert "0—99" in errors["o_layout_plan"][0]
    # everything typed is still there
    assert f'value="{BAD_ID}"' in page and 'value="12345"' in page and 'value="代办甲"' in page
    assert 'value="小王"' in page and 'value="照片模糊"' in page and 'value="abc"' in page
    assert re.search(r'<option value="defective" selected>', page)
    assert 'class="form-control is-invalid"' in page
    assert not Case.objects.exists()


def test_a_material_that_may_not_be_pending_is_refused_on_the_page(client_for, case_people, restaurant):
    response, page = post_intake(client_for, case_people, restaurant, **person_applicant(),
                                 m_health_cert="pending", m_layout_plan="pending")
    errors = field_errors(page)
    assert response.status_code == 400 and list(errors) == ["m_health_cert"]
    assert "不可容缺" in errors["m_health_cert"][0]
    assert not Case.objects.exists()


def test_the_merged_form_checks_each_field_by_its_type(client_for, case_people, restaurant):
    from tongban.catalog import services as catalog
    from tongban.catalog.models import ItemFormField

    for order, (code, label, data_type) in enumerate([("area", "经营面积", "number"), ("opened", "开业日期", "date"),
                                                      ("shop_phone", "店铺电话", "phone"), ("shop_name", "店名", "text")]):
        ItemFormField.objects.create(item=restaurant.food, element=catalog.ensure_element(code, label, data_type),
                                     sort_order=order, is_required=code != "opened")
    response, page = post_intake(client_for, case_people, restaurant, **person_applicant(),
                                 f_area="一百", f_opened="2026-02-30", f_shop_phone="999", f_shop_name="",
                                 o_layout_plan="150")
    errors = field_errors(page)
    assert set(errors) == {"f_area", "f_opened", "f_shop_phone", "f_shop_name", "o_layout_plan"}
    assert errors["o_layout_plan"] == ["份数须为 0—99 的整数。"]
    assert "数字" in errors["f_area"][0] and "有效日期" in errors["f_opened"][0] and "请填写“店名”" in errors["f_shop_name"][0]
    assert 'value="一百"' in page
    response, _ = post_intake(client_for, case_people, restaurant, **person_applicant(), f_area="120.5",
                              f_opened="2026/3/1", f_shop_phone="0377-12345678", f_shop_name="老城面馆",
                              m_layout_plan="received", m_health_cert="received", m_business_licence="received")
    assert response.status_code == 302, field_errors(_)
    assert Case.objects.get().form_data == {"area": "120.5", "opened": "2026-03-01", "shop_phone": "0377-12345678",
                                            "shop_name": "老城面馆"}


def test_a_good_post_receives_the_case_with_the_checklist_as_set(client_for, case_people, restaurant):
    data = {"bundle": restaurant.bundle.pk, **person_applicant(), **{f"m_{k}": v for k, v in ALL_BROUGHT.items()},
            "m_premises_proof": "pending", "c_premises_proof": "0"}
    response = client_for(case_people.clerk).post("/cases/new/", data)
    case = Case.objects.get()
    assert response.status_code == 302
    material = case.materials.get(identity__code="premises_proof")
    assert material.state == "pending"


@pytest.mark.parametrize("data", [
    {"item": "x" * 10_000},
    {"item": "-1", "applicant_name": "甲"},
    {"bundle": "99999999999999999999"},
    {"item": "ITEM", "applicant_kind": "alien", "id_type": "martian", "applicant_name": "名" * 100_000,
     "id_number": "\x00" * 50, "phone": "☎" * 30, "m_layout_plan": "teleported", "o_health_cert": "1e99",
     "c_health_cert": "-5", "p_health_cert": "说" * 1000},
    {"item": "ITEM"},
    {"item": "ITEM", "applicant_name": "甲\x00乙", "id_number": VALID_ID, "phone": "13800001234"},
    {"item": "ITEM", "applicant_kind": "organisation", "applicant_name": "乙", "id_number": "%(x)s",
     "phone": "%s"},
])
def test_no_post_gives_a_500(client_for, case_people, restaurant, data):
    data = {k: (str(restaurant.food.pk) if v == "ITEM" else v) for k, v in data.items()}
    response = client_for(case_people.clerk).post("/cases/new/", data)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:  # the NUL was dropped, the rest is a valid intake
        assert Case.objects.get().applicant_name == "甲乙"


# --- the API ---------------------------------------------------------------------------------------

def test_the_api_names_every_field_in_one_400(api_for, case_people, restaurant):
    response = api_for(case_people.clerk).post("/api/v1/cases/", {
        "item": restaurant.food.pk, "applicant_kind": "person", "applicant_name": "甲", "id_number": BAD_ID,
        "phone": "12345", "agent_name": "代办甲", "agent_id_number": "110105194912310020"}, format="json")
    body = response.json()
    assert response.status_code == 400
    assert set(body) == {"code", "detail", "errors"}
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("id_number", "case_id_check"), ("phone", "case_phone_format"), ("agent_id_number", "case_id_check")]
    assert body["code"] == "case_id_check" and "校验位不正确" in body["detail"]
    assert not Case.objects.exists()


def test_the_api_reports_format_and_rule_errors_together(api_for, case_people, restaurant):
    response = api_for(case_people.clerk).post("/api/v1/cases/", {
        "item": restaurant.food.pk, "applicant_kind": "person", "applicant_name": "甲" * 300, "id_number": BAD_ID,
        "phone": "12345"}, format="json")
    fields = {e["field"]: e["code"] for e in response.json()["errors"]}
    assert response.status_code == 400
    assert fields == {"applicant_name": "max_length", "id_number": "case_id_check", "phone": "case_phone_format"}


def test_the_api_checks_the_merged_form_by_type(api_for, case_people, restaurant):
    from tongban.catalog import services as catalog
    from tongban.catalog.models import ItemFormField

    ItemFormField.objects.create(item=restaurant.food, element=catalog.ensure_element("area", "经营面积", "number"))
    response = api_for(case_people.clerk).post("/api/v1/cases/", {
        "item": restaurant.food.pk, **person_applicant(), "form_data": {"area": "很大"}}, format="json")
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("form_data.area", "case_form_number")]
