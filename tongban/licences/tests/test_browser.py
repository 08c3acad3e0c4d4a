"""In the real browser: a returning applicant at the comprehensive window — the clerk types the organisation's
credit code on 收件登记, its valid 营业执照 appears under the checklist, and ticking it stands in for the paper."""
from __future__ import annotations

import pytest

from tongban.cases.models import Case
from tongban.licences.models import LicenceUse
from tongban.licences.tests.conftest import ORG_CODE, OTHER_CODE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_takes_an_application_with_one_material_covered_by_the_applicants_licence(
        login_page, live_server, case_people, restaurant, food_accepts_licence, make_licence):
    own = make_licence()
    make_licence(holder_id=OTHER_CODE, number="DZ-OTHER")
    page = login_page(case_people.clerk)
    page.goto(f"{live_server.url}/cases/new/")
    page.select_option("#id_item", value=str(restaurant.food.pk))
    page.click("#choose")
    assert "填写申请人的证件号码" in page.inner_text("#intake-licence-offers")

    page.select_option("#id_applicant_kind", "organisation")
    page.fill("#id_applicant_name", "城关美味餐饮有限公司")
    page.fill("#id_id_number", ORG_CODE)
    page.press("#id_id_number", "Tab")  # the change asks the licences of this holder (htmx)
    page.wait_for_selector(f"#l-business_licence-{own.pk}")
    offers = page.inner_text("#intake-licence-offers")
    assert own.number in offers and "DZ-OTHER" not in offers
    page.fill("#id_phone", "13800001234")
    page.fill("#id_legal_representative", "刘老板")
    page.check(f"#l-business_licence-{own.pk}")
    page.click("#receive")
    page.wait_for_selector("#case-number")

    case = Case.objects.get()
    use = LicenceUse.objects.get(case=case)
    assert use.licence == own and use.material.state == "electronic" and use.used_by == case_people.clerk
    assert "电子证照免提交" in page.inner_text("body")
