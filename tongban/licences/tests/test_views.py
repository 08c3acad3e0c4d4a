"""Persona tests for every page: the staff pages by scope and permission, the 免提交 page at intake, the import,
and the two public pages (which show nothing personal)."""
from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.licences.models import Licence, LicenceUse
from tongban.licences.tests.conftest import ORG_CODE, OTHER_CODE

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login_for_staff_pages(client, make_licence):
    licence = make_licence()
    for url in ("/licences/", f"/licences/{licence.pk}/", "/licences/import/", "/licences/case/1/"):
        assert client.get(url).status_code == 302, url


def test_the_list_and_a_licence_follow_the_scope(client_for, personas, make_licence):
    licence = make_licence()
    director = client_for(personas.director)
    assert licence.number in director.get("/licences/").content.decode()
    assert director.get(f"/licences/{licence.pk}/").status_code == 200
    stranger = client_for(personas.other_township_admin)
    assert licence.number not in stranger.get("/licences/").content.decode()
    assert stranger.get(f"/licences/{licence.pk}/").status_code == 404


def test_the_list_asks_the_same_queries_for_one_and_many(client_for, personas, make_licence, django_assert_max_num_queries):
    make_licence()
    director = client_for(personas.director)
    director.get("/licences/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        director.get("/licences/")
    for n in range(2, 12):
        make_licence(number=f"DZ-{n:04d}")
    with CaptureQueriesContext(connection) as many:
        director.get("/licences/")
    assert len(many) == len(one)


def test_the_public_page_shows_nothing_personal(client, make_licence, food_case):
    licence = make_licence(case=food_case)
    page = client.get(f"/licences/v/{licence.verify_token}/").content.decode()
    assert licence.number in page and "有效" in page and "城关" in page
    for personal in (ORG_CODE, "城关美味餐饮有限公司", food_case.number, food_case.phone, "刘老板"):
        assert personal not in page


def test_an_unknown_token_is_not_found(client):
    assert client.get("/licences/v/nothing-here/").status_code == 404


def test_a_revoked_licence_reads_revoked_in_public(client, make_licence):
    licence = make_licence(status="revoked")
    assert "已注销" in client.get(f"/licences/v/{licence.verify_token}/").content.decode()


def test_the_clerk_ticks_the_applicants_licence_at_intake(client_for, personas, food_case, make_licence):
    own = make_licence()
    other = make_licence(holder_id=OTHER_CODE, number="DZ-OTHER")
    clerk = client_for(personas.window_clerk)
    page = clerk.get(f"/licences/case/{food_case.number}/").content.decode()
    assert own.number in page and other.number not in page
    material = food_case.materials.get(identity__code="business_licence")

    response = clerk.post(f"/licences/case/{food_case.number}/", {f"material-{material.pk}": own.pk})

    assert response.status_code == 302
    assert LicenceUse.objects.get(material=material).licence == own


def test_a_forged_post_with_another_holders_licence_is_refused(client_for, personas, food_case, make_licence):
    other = make_licence(holder_id=OTHER_CODE, number="DZ-OTHER")
    material = food_case.materials.get(identity__code="business_licence")
    response = client_for(personas.window_clerk).post(f"/licences/case/{food_case.number}/",
                                                      {f"material-{material.pk}": other.pk})
    assert response.status_code == 400 and "持证主体不是本办件的申请人" in response.content.decode()
    assert not LicenceUse.objects.exists()


def test_only_the_intake_side_may_tick(client_for, personas, food_case, make_licence):
    licence = make_licence()
    material = food_case.materials.get(identity__code="business_licence")
    inspector = client_for(personas.inspector)
    assert inspector.get(f"/licences/case/{food_case.number}/").status_code == 200
    assert inspector.post(f"/licences/case/{food_case.number}/", {f"material-{material.pk}": licence.pk}).status_code == 403
    assert client_for(personas.other_township_admin).get(f"/licences/case/{food_case.number}/").status_code == 404


def test_revoking_needs_a_manager_and_a_reason(client_for, personas, make_licence):
    licence = make_licence()
    assert client_for(personas.window_clerk).post(f"/licences/{licence.pk}/revoke/", {"reason": "x"}).status_code in (403, 404)
    director = client_for(personas.director)
    assert director.post(f"/licences/{licence.pk}/revoke/", {"reason": ""}).status_code == 400
    assert director.post(f"/licences/{licence.pk}/revoke/", {"reason": "依法吊销"}).status_code == 302
    licence.refresh_from_db()
    assert licence.status == "revoked"


CSV_HEADER = "证照编号,证照类型,证照名称,持证主体,持证主体类型,证件号码,发证机关,发证日期,有效期自,有效期至\n"


def csv_upload(body: str, name="licences.csv"):
    return SimpleUploadedFile(name, (CSV_HEADER + body).encode("utf-8"), content_type="text/csv")


def test_import_is_all_or_nothing_with_row_numbers(client_for, personas, restaurant):
    director = client_for(personas.director)
    body = (f"SZ-1,营业执照,营业执照,甲公司,法人,{ORG_CODE},市市场监管局,2025-01-02,2025-01-02,2030-01-01\n"
            f"SZ-2,不存在的证,,乙公司,法人,{OTHER_CODE},市市场监管局,2025-13-40,,\n")
    response = director.post("/licences/import/", {"file": csv_upload(body)})
    page = response.content.decode()
    assert response.status_code == 400 and "<td>3</td>" in page and "不存在的证" in page
    assert not Licence.objects.exists()


def test_import_is_idempotent_by_number(client_for, personas, restaurant):
    director = client_for(personas.director)
    body = f"SZ-1,business_licence,营业执照,甲公司,法人,{ORG_CODE},市市场监管局,2025-01-02,2025-01-02,2030-01-01\n"
    assert director.post("/licences/import/", {"file": csv_upload(body)}).status_code == 200
    assert director.post("/licences/import/", {"file": csv_upload(body)}).status_code == 200
    licence = Licence.objects.get()
    assert (licence.number, licence.holder_id, licence.source) == ("SZ-1", ORG_CODE, "imported")


def test_import_is_for_managers(client_for, personas):
    assert client_for(personas.window_clerk).get("/licences/import/").status_code == 403


def test_the_upload_check_reads_a_sealed_pdf(client, sealing_on):
    from tongban.licences import sealing
    from tongban.licences.tests.test_sealing import blank_pdf

    signed = sealing.provider().sign(blank_pdf(), reason="受理通知书", verify_url="http://x/")
    ok = client.post("/licences/verify/", {"file": SimpleUploadedFile("a.pdf", signed)}).content.decode()
    assert "印章有效，文件未被改动" in ok and "测试县行政审批服务中心" in ok
    at = signed.index(b"/MediaBox")
    tampered = signed[:at] + signed[at:].replace(b"595", b"596", 1)
    bad = client.post("/licences/verify/", {"file": SimpleUploadedFile("a.pdf", tampered)}).content.decode()
    assert "核验未通过" in bad


def test_the_upload_check_refuses_what_is_no_pdf(client, sealing_on):
    response = client.post("/licences/verify/", {"file": SimpleUploadedFile("a.pdf", b"hello world, not a pdf")})
    assert response.status_code == 400 and "verify-upload-error" in response.content.decode()


def test_a_licence_is_sealed_as_pdf_that_verifies_and_carries_its_qr_link(client_for, personas, make_licence, sealing_on):
    """The real path: .docx → LibreOffice → PAdES seal with the QR code; then the public upload check."""
    from tongban.licences import sealing

    licence = make_licence()
    response = client_for(personas.director).post(f"/licences/{licence.pk}/seal/")
    assert response.status_code == 302
    licence.refresh_from_db()
    pdf = licence.document.open("rb").read()
    assert sealing.provider().verify(pdf).ok
    assert client_for(personas.director).get(f"/licences/{licence.pk}/document/").status_code == 200
    assert client_for(personas.other_township_admin).get(f"/licences/{licence.pk}/document/").status_code == 404


def test_the_workbench_lists_licences_expiring_soon_in_scope(client_for, personas, make_licence):
    from datetime import date, timedelta

    make_licence(number="DZ-SOON", valid_until=date.today() + timedelta(days=5))
    make_licence(number="DZ-LATER")
    page = client_for(personas.director).get("/workbench/").content.decode()
    assert "即将到期的电子证照" in page and "DZ-SOON" in page and "DZ-LATER" not in page
    assert "DZ-SOON" not in client_for(personas.other_township_admin).get("/workbench/").content.decode()


def test_the_case_page_tells_the_clerk_a_licence_can_stand_in(client_for, personas, food_case, make_licence, case_people):
    from tongban.licences import services

    make_licence(holder_id=OTHER_CODE, number="DZ-OTHER")
    clerk = client_for(personas.window_clerk)
    assert "licence-offers-hint" not in clerk.get(food_case.get_absolute_url()).content.decode()
    own = make_licence()
    assert "可代替 1 份材料" in clerk.get(food_case.get_absolute_url()).content.decode()
    material = food_case.materials.get(identity__code="business_licence")
    services.use_licences(food_case, {material.pk: own.pk}, by=case_people.clerk)
    assert "licence-offers-hint" not in clerk.get(food_case.get_absolute_url()).content.decode()


def test_the_upload_check_never_shows_pyhankos_english_and_is_limited_per_address(client, sealing_on, settings):
    broken = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\nxref\n0 1\ngarbage\ntrailer<<>>\n%%EOF\n"
    response = client.post("/licences/verify/", {"file": SimpleUploadedFile("a.pdf", broken)}, REMOTE_ADDR="203.0.113.3")
    text = response.content.decode()
    assert response.status_code == 400 and "文件已损坏或不是有效的 PDF 文件" in text
    error = text[text.index('id="verify-upload-error"'):].split("</div>")[0].split(">", 1)[1]
    assert error == "无法读取该 PDF 文件：文件已损坏或不是有效的 PDF 文件。" and "startxref" not in text  # no English
    settings.SEAL_CHECK_LIMIT_PER_HOUR = 2
    client.post("/licences/verify/", {"file": SimpleUploadedFile("a.pdf", broken)}, REMOTE_ADDR="203.0.113.3")
    refused = client.post("/licences/verify/", {"file": SimpleUploadedFile("a.pdf", broken)}, REMOTE_ADDR="203.0.113.3")
    assert refused.status_code == 429 and "核验次数过多" in refused.content.decode()
    other = client.post("/licences/verify/", {"file": SimpleUploadedFile("a.pdf", broken)}, REMOTE_ADDR="198.51.100.3")
    assert other.status_code == 400


def test_the_intake_form_offers_only_the_applicants_own_valid_licences(client_for, personas, restaurant,
                                                                      food_accepts_licence, make_licence):
    own = make_licence()
    other = make_licence(holder_id=OTHER_CODE, number="DZ-OTHER")
    revoked = make_licence(number="DZ-REVOKED", status="revoked")
    clerk = client_for(personas.window_clerk)
    url, item = "/licences/intake-offers/", {"item": restaurant.food.pk}

    fragment = clerk.post(url, {**item, "id_number": ORG_CODE.lower()}, HTTP_HX_REQUEST="true").content.decode()

    assert f'name="l_business_licence" value="{own.pk}"' in fragment
    assert other.number not in fragment and revoked.number not in fragment
    assert "没有该类有效电子证照" in clerk.post(url, {**item, "id_number": "91350100M000199X00"}).content.decode()
    assert "填写申请人的证件号码" in clerk.post(url, item).content.decode()
    # the page itself renders the same offers, empty until an ID is typed
    page = clerk.get(f"/cases/new/?item={restaurant.food.pk}").content.decode()
    assert 'id="intake-licence-offers"' in page and "/licences/intake-offers/" in page
    # only a clerk at an intake window looks up an applicant's licences
    assert client_for(personas.inspector).post(url, {**item, "id_number": ORG_CODE}).status_code == 403
    assert client_for(personas.other_township_admin).post(url, {**item, "id_number": ORG_CODE}).status_code == 403
    clerk.logout()
    assert clerk.post(url, {**item, "id_number": ORG_CODE}).status_code == 302  # to the login page


def test_the_intake_form_records_the_ticked_licence(client_for, personas, restaurant, food_accepts_licence,
                                                    make_licence):
    from tongban.cases.models import Case

    own = make_licence()
    post = {"item": restaurant.food.pk, "applicant_kind": "organisation", "applicant_name": "城关美味餐饮有限公司",
            "id_number": ORG_CODE, "phone": "13800001234", "legal_representative": "刘老板",
            "m_business_licence": "missing", "m_layout_plan": "received", "m_health_cert": "received",
            "l_business_licence": own.pk}

    response = client_for(personas.window_clerk).post("/cases/new/", post)

    assert response.status_code == 302
    case = Case.objects.get()
    use = LicenceUse.objects.get(case=case)
    assert use.licence == own and use.material.state == "electronic"


def test_a_forged_licence_on_the_intake_form_is_refused_with_what_was_typed_kept(
        client_for, personas, restaurant, food_accepts_licence, make_licence):
    from tongban.cases.models import Case

    other = make_licence(holder_id=OTHER_CODE, number="DZ-OTHER")
    post = {"item": restaurant.food.pk, "applicant_kind": "organisation", "applicant_name": "城关美味餐饮有限公司",
            "id_number": ORG_CODE, "phone": "13800001234", "legal_representative": "刘老板",
            "l_business_licence": other.pk}

    response = client_for(personas.window_clerk).post("/cases/new/", post)

    text = response.content.decode()
    assert response.status_code == 400 and "持证主体不是本办件的申请人" in text and "刘老板" in text
    assert not Case.objects.exists()


def test_a_licence_waiting_for_its_seal_says_so(client_for, personas, make_licence, settings, tmp_path):
    from django.utils import timezone

    from tongban.licences.models import SealRequest

    licence = make_licence()
    SealRequest.objects.create(key=f"licence:{licence.pk}", kind="licence", licence=licence, attempts=2,
                               problem="未配置电子印章证书（TONGBAN_SEAL_CERT），无法生成签章文件。",
                               next_attempt_at=timezone.now())
    page = client_for(personas.director).get(f"/licences/{licence.pk}/").content.decode()
    assert "待签章" in page and "已尝试 2 次" in page and "未配置电子印章证书" in page


def test_the_cases_licence_page_lists_what_waits_for_its_seal(client_for, personas, food_case):
    from django.utils import timezone

    from tongban.licences.models import SealRequest

    SealRequest.objects.create(key=f"notice:{food_case.pk}:decision", kind="decision", case=food_case, attempts=1,
                               problem="文书转换为 PDF 失败：LibreOffice 没有生成文件", next_attempt_at=timezone.now())
    page = client_for(personas.director).get(f"/licences/case/{food_case.number}/").content.decode()
    assert 'id="seal-waiting"' in page and "行政许可决定书" in page and "LibreOffice 没有生成文件" in page


def test_the_intake_offers_are_posted_recorded_and_limited_per_clerk(client_for, personas, restaurant,
                                                                     food_accepts_licence, make_licence, settings):
    from tongban.history.models import DomainEvent

    own = make_licence()
    settings.LICENCE_LOOKUPS_PER_HOUR = 2
    clerk = client_for(personas.window_clerk)
    data = {"item": restaurant.food.pk, "id_number": ORG_CODE}
    # the ID number never travels in a query string (server logs, browser history)
    assert clerk.get("/licences/intake-offers/", data).status_code == 405

    fragment = clerk.post("/licences/intake-offers/", data, HTTP_HX_REQUEST="true").content.decode()

    assert f'value="{own.pk}"' in fragment
    looked_up = DomainEvent.objects.get(code="licences.holder_looked_up")
    assert looked_up.actor == personas.window_clerk and looked_up.data["id_number"] == ORG_CODE
    clerk.post("/licences/intake-offers/", {"item": restaurant.food.pk})  # no number typed: nothing looked up
    assert DomainEvent.objects.filter(code="licences.holder_looked_up").count() == 1
    clerk.post("/licences/intake-offers/", data)
    refused = clerk.post("/licences/intake-offers/", data)
    # a fragment htmx swaps in (it would drop a 4xx answer and leave the clerk guessing)
    assert refused.status_code == 200 and "查询过于频繁" in refused.content.decode()
    assert own.number not in refused.content.decode()
    assert DomainEvent.objects.filter(code="licences.holder_looked_up").count() == 2


def test_a_superscript_digit_is_no_number_and_no_500(client_for, personas, restaurant, food_accepts_licence):
    clerk = client_for(personas.window_clerk)
    assert clerk.post("/licences/intake-offers/", {"item": "²", "id_number": ORG_CODE}).status_code == 404
    fragment = clerk.post("/licences/intake-offers/", {"item": restaurant.food.pk, "id_number": ORG_CODE,
                                                       "l_business_licence": "²"})
    assert fragment.status_code == 200
    post = {"item": restaurant.food.pk, "applicant_kind": "organisation", "applicant_name": "城关美味餐饮有限公司",
            "id_number": ORG_CODE, "phone": "", "legal_representative": "刘老板", "l_business_licence": "²"}
    page = clerk.post("/cases/new/", post)
    assert page.status_code == 400 and "刘老板" in page.content.decode()


@pytest.mark.parametrize("typed", ["²", "١٢", "1e3", "99999999999999999999", "1" * 5000])
def test_a_typed_number_for_a_licence_ticks_none_and_is_no_500(client_for, personas, food_case, make_licence, typed):
    make_licence()
    material = food_case.materials.get(identity__code="business_licence")
    response = client_for(personas.window_clerk).post(f"/licences/case/{food_case.number}/",
                                                      {f"material-{material.pk}": typed})
    assert response.status_code in (200, 302, 400)
    assert not LicenceUse.objects.exists()


@pytest.mark.parametrize("typed", ["²", "١٢", "1e3", "99999999999999999999", "1" * 5000])
def test_the_intake_offers_read_a_typed_item_or_licence_number_without_a_500(client_for, personas, restaurant,
                                                                            food_accepts_licence, make_licence, typed):
    make_licence()
    clerk = client_for(personas.window_clerk)
    assert clerk.post("/licences/intake-offers/", {"item": typed, "id_number": ORG_CODE}).status_code == 404  # 请先选择
    chosen = clerk.post("/licences/intake-offers/", {"item": restaurant.food.pk, "id_number": ORG_CODE,
                                                     "l_business_licence": typed})
    assert chosen.status_code == 200 and 'name="l_business_licence"' in chosen.content.decode()
