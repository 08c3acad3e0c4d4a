"""The online channel's pages: the public application and the private tracking link (no login), the case page's
channel, files and forwarding, the channels page per persona, and the API."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongban.cases.models import Case, TrackingAttempt
from tongban.cases.services import intake, online
from tongban.cases.tests.conftest import VALID_ID, person_applicant
from tongban.cases.tests.test_online import PDF, at, pdf

pytestmark = pytest.mark.django_db
PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"


@pytest.fixture
def food(restaurant, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = restaurant.food
    item.via_online = item.via_mobile = True
    item.save(update_fields=["via_online", "via_mobile"])
    return item


def apply_data(**changes):
    data = {"a-applicant_kind": "person", "a-applicant_name": "李四", "a-id_type": "resident_id",
            "a-id_number": VALID_ID, "a-phone": "13900005678"}
    return {**data, **changes}


def test_the_public_lists_only_what_may_be_applied_for_online(client, food, restaurant):
    page = client.get("/portal/apply/").content.decode()
    assert food.name in page and restaurant.fire.name not in page
    assert client.get(f"/portal/apply/items/{restaurant.fire.implementation_code}/").status_code == 404
    assert client.get(f"/portal/apply/items/{food.implementation_code}/").status_code == 200
    assert food.name in client.get("/portal/apply/?q=食品").content.decode()
    assert food.name not in client.get("/portal/apply/?q=排水").content.decode()
    assert "在线申请" in client.get(food.get_public_url() if hasattr(food, "get_public_url") else
                                  f"/portal/items/{food.implementation_code}/").content.decode()


def test_a_phone_applies_and_lands_on_its_private_link(client, food, county):
    response = client.post(f"/portal/apply/items/{food.implementation_code}/", {
        **apply_data(), "file_business_licence": pdf(), "file_layout_plan": pdf("plan.pdf")}, HTTP_USER_AGENT=PHONE_UA)
    assert response.status_code == 302 and "/portal/track/" in response["Location"]
    case = Case.objects.get()
    assert (case.status, case.channel, case.intake_window) == ("prechecking", "mobile", county.intake_window)
    page = client.get(response["Location"])
    assert page["Cache-Control"] == "no-store" and page["Referrer-Policy"] == "same-origin"
    text = page.content.decode()
    assert case.number in text and "网上申请已提交，工作人员正在预审" in text and "受理答复期限" in text
    assert "统一出件窗口" in text  # where to collect the result


def test_every_problem_is_shown_at_once_and_nothing_is_written(client, food):
    response = client.post(f"/portal/apply/items/{food.implementation_code}/", {
        **apply_data(**{"a-id_number": "110105194912310021", "a-phone": "12"}),
        "file_layout_plan": SimpleUploadedFile("plan.pdf", b"not a pdf")})
    assert response.status_code == 400
    text = response.content.decode()
    assert "校验位不正确" in text and "联系电话" in text and "内容" in text and 'value="李四"' in text
    assert not Case.objects.exists()


def test_the_link_answers_the_correction_and_a_wrong_link_counts_as_a_failure(client, food, case_people):
    with at("2026-12-01"):
        case, token = online.submit_online(item=food, applicant=person_applicant(), uploads={
            "business_licence": pdf(), "layout_plan": pdf()})
        intake.notify_correction(case, by=case_people.clerk)
    url = f"/portal/track/{token}/"
    text = client.get(url).content.decode()
    assert "上传补正材料" in text and "从业人员健康证明" in text
    bad = client.post(url, {"file_health_cert": SimpleUploadedFile("h.pdf", b"GIF89a")})
    assert bad.status_code == 400 and Case.objects.get().status == "correcting"
    with at("2026-12-02"):
        done = client.post(url, {"file_health_cert": pdf("health.pdf")})
    assert done.status_code == 302
    assert Case.objects.get().status == "prechecking"
    assert "已在网上上传补正材料" in client.get(done["Location"]).content.decode()
    assert client.get("/portal/track/" + "x" * 32 + "/", REMOTE_ADDR="192.0.2.9").status_code == 404
    assert TrackingAttempt.objects.filter(ip_address="192.0.2.9").count() == 1
    # The number + last four still work, with the plain-words timeline
    found = client.post("/portal/track/", {"number": case.number, "factor": "002X"}).content.decode()
    assert "办理过程" in found and "一次性告知：材料需要补正" in found


def test_the_case_page_shows_the_channel_and_the_files_to_those_handling_it(client_for, food, case_people, personas):
    with at("2026-12-01"):
        case, _ = online.submit_online(item=food, applicant=person_applicant(), uploads={"layout_plan": pdf("平面图.pdf")})
    page = client_for(case_people.clerk).get(case.get_absolute_url()).content.decode()
    assert "掌上办" in page or "全程网办" in page
    assert "平面图.pdf" in page
    record = case.files.get()
    url = f"/cases/{case.number}/files/{record.pk}/"
    response = client_for(case_people.clerk).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert client_for(personas.inspector).get(url).status_code == 403
    assert client_for(case_people.fire_reviewer).get(url).status_code == 404  # not in their scope


def test_an_outlet_clerk_forwards_from_the_case_page(client_for, county, restaurant, case_people):
    from tongban.cases.tests.conftest import PASSWORD
    from tongban.org import services as org
    from tongban.org.defaults import ensure_unit_kinds

    unit = org.create_unit(code="out-post", name="中国邮政城关营业所", kind=ensure_unit_kinds()["outlet"], parent=county.township_a)
    window = org.create_window(code="YZ01", name="邮政代办窗口", kind="intake", unit=unit)
    clerk = org.create_staff(staff_no="post", name="孔邮政", unit=unit, role="window_clerk", window=window,
                             username="post", password=PASSWORD).user
    online.authorise_outlet(unit, restaurant.company)
    case = intake.receive_case(by=clerk, window=window, item=restaurant.company, applicant=person_applicant())
    browser = client_for(clerk)
    page = browser.get(case.get_absolute_url()).content.decode()
    assert 'value="forward"' in page and 'value="accept"' not in page
    refused = browser.post(f"/cases/{case.number}/act/", {"action": "forward", "to_window": ""})
    assert refused.status_code == 400 and "请选择转送到哪个窗口" in refused.content.decode()
    moved = browser.post(f"/cases/{case.number}/act/", {"action": "forward", "to_window": str(county.intake_window.pk)})
    assert moved.status_code == 302
    case.refresh_from_db()
    assert case.intake_window == county.intake_window and case.first_unit == unit
    assert "已转送" in client_for(case_people.clerk).get(case.get_absolute_url()).content.decode()


def test_the_channels_page_per_persona(client_for, personas, county, restaurant, case_people):
    for persona, sees, hidden in ((personas.township_admin, "城关镇便民服务中心", "王村乡"),
                                  (personas.director, "王村乡便民服务中心", "")):
        page = client_for(persona).get("/cases/channels/?month=2026-12").content.decode()
        assert "2026年12月" in page and sees in page and (not hidden or hidden not in page)
    assert client_for(personas.director).get("/cases/channels/?month=garbage").status_code == 200
    assert client_for(personas.director).get("/cases/channels/?month=2026-13").status_code == 200
    for month in ("9999-12", "0001-01"):  # the next / previous month would overflow: refused in Chinese
        page = client_for(personas.director).get(f"/cases/channels/?month={month}")
        assert page.status_code == 200 and "2000年1月 至 2099年12月 之间" in page.content.decode()
        api = client_for(personas.director).get(f"/api/v1/cases/channels/?month={month}")
        assert api.status_code == 400 and "2000年1月 至 2099年12月" in api.content.decode()


def test_the_api_forwards_by_window_code_and_lists_the_channel(client_for, county, food, case_people, personas):
    with at("2026-12-01"):
        case, _ = online.submit_online(item=food, applicant=person_applicant())
    api = client_for(case_people.clerk)
    detail = api.get(f"/api/v1/cases/{case.number}/").json()
    assert (detail["channel"], detail["channel_display"], detail["status"]) == ("online", "全程网办", "prechecking")
    assert "forward" in detail["actions"]
    wrong = api.post(f"/api/v1/cases/{case.number}/transitions/", {"action": "forward", "to_window": "NOPE"},
                     content_type="application/json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "case_forward_target"
    assert api.post(f"/api/v1/cases/{case.number}/transitions/", {"action": "correct_online"},
                    content_type="application/json").status_code == 400
    accepted = api.post(f"/api/v1/cases/{case.number}/transitions/", {"action": "notify_correction"},
                        content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "correcting"
    assert date.fromisoformat(detail["received_on"]) == date(2026, 12, 1)


def test_the_api_gives_the_month_of_each_site_from_the_same_selector(api_for, personas, county, restaurant, case_people):
    from tongban.catalog.services import delegate_item

    delegate_item(restaurant.company, to=[county.township_a], mode="entrusted")
    with at("2026-12-02"):
        case = intake.receive_case(by=case_people.township_clerk, window=county.township_window,
                                   item=restaurant.company, applicant=person_applicant())
        online.forward(case, by=case_people.township_clerk, to_window=county.intake_window)
    body = api_for(personas.township_admin).get("/api/v1/cases/channels/?month=2026-12").json()
    assert (body["first"], body["last"]) == ("2026-12-01", "2026-12-31")
    assert {s["unit"] for s in body["sites"]} == {"tw-chengguan", "vil-dongguan"}
    assert body["totals"] == {"received": 1, "forwarded_out": 1, "forwarded_in": 0, "closed": 0}
    assert body["channels"] == {"window": 1}
    bad = api_for(personas.director).get("/api/v1/cases/channels/?month=x")  # the one month parser: 400, in Chinese
    assert bad.status_code == 400 and "月份“x”无效" in bad.content.decode()


def test_a_bundle_is_applied_for_with_one_form_and_one_set_of_materials(client, restaurant, settings, tmp_path):
    from tongban.catalog.models import ServiceItem

    settings.MEDIA_ROOT = tmp_path
    ServiceItem.objects.filter(pk__in=[restaurant.company.pk, restaurant.food.pk, restaurant.fire.pk,
                                       restaurant.drain.pk]).update(via_online=True)
    url = f"/portal/apply/bundles/{restaurant.bundle.slug}/"
    page = client.get(url).content.decode()
    assert "我要开饭店" in page and 'name="file_fire_plan"' in page and 'name="file_business_licence"' not in page
    response = client.post(url, {**apply_data(), "file_fire_plan": pdf()})
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.bundle, case.channel, case.tasks.count()) == (restaurant.bundle, "online", 4)


def test_an_address_that_keeps_applying_waits_an_hour(client, food, county, settings):
    import time_machine
    from django.utils import timezone

    settings.APPLY_LIMIT_PER_HOUR = 2
    url = f"/portal/apply/items/{food.implementation_code}/"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(2):
            assert client.post(url, apply_data(**{"a-phone": "12"}), REMOTE_ADDR="203.0.113.5").status_code == 400
        refused = client.post(url, apply_data(), REMOTE_ADDR="203.0.113.5")
        assert refused.status_code == 429 and not Case.objects.exists()
        text = refused.content.decode()
        assert "提交次数过多" in text and 'value="李四"' in text  # what was typed is kept
        assert client.post(url, apply_data(), REMOTE_ADDR="198.51.100.7").status_code == 302  # another address
    with time_machine.travel(start + timedelta(hours=1, seconds=1), tick=False):
        assert client.post(url, apply_data(), REMOTE_ADDR="203.0.113.5").status_code == 302


def test_the_files_of_one_application_together_are_capped(client, food, county, settings):
    settings.APPLY_UPLOAD_TOTAL_BYTES = len(PDF) + 10
    response = client.post(f"/portal/apply/items/{food.implementation_code}/", {
        **apply_data(), "file_business_licence": pdf(), "file_layout_plan": pdf("plan.pdf")})
    assert response.status_code == 400 and not Case.objects.exists()
    text = response.content.decode()
    assert "上传的文件合计超过" in text and 'value="李四"' in text
