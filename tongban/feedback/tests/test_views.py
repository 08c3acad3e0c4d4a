"""Every page and endpoint against the personas: the public pages, the counter, the lists and records with
their actions, the hotline import, the API; the list pages' queries do not grow with their rows."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tongban.feedback import services
from tongban.feedback.choices import Classification, HandlingStatus, Level, RatingChannel
from tongban.feedback.models import Complaint, Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def bad_rating(make_case):
    return services.rate(make_case(), level=Level.UNSATISFIED, channel=RatingChannel.WEB, tags=["overdue"])


# --- public ---------------------------------------------------------------------------------------------

def test_the_applicant_rates_through_the_link_and_then_sees_the_rating(client, make_case):
    case = make_case()
    url = services.rating_link(case, RatingChannel.QR)
    page = client.get(url)
    assert page.status_code == 200 and "请您评价" in page.content.decode()
    refused = client.post(url, {"level": "2"})
    assert refused.status_code == 400 and "请至少选择一个不满意的原因" in refused.content.decode()
    assert client.post(url, {"level": "2", "tags": ["attitude"], "comment": "态度差"}).status_code == 302
    shown = client.get(url).content.decode()
    assert "您评价为" in shown and "不满意" in shown and "电话回访" in shown
    assert Rating.objects.get(case=case).channel == RatingChannel.QR


def test_a_forged_link_and_qr_answer_404_and_the_qr_is_an_svg(client, make_case):
    token = services.rating_token(make_case(), RatingChannel.QR)
    assert client.get(reverse("feedback:rate", args=["nonsense"])).status_code == 404
    assert client.get(reverse("feedback:rating_qr", args=["nonsense"])).status_code == 404
    svg = client.get(reverse("feedback:rating_qr", args=[token]))
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_the_tracking_page_links_to_the_rating_page(client, make_case):
    case = make_case(phone="13800009876")
    page = client.post(reverse("portal:track"), {"number": case.number, "factor": "9876"}).content.decode()
    assert 'id="track-rate"' in page and "/feedback/rate/" in page


def test_a_public_complaint_is_received_and_the_wall_shows_only_published_answers_without_names(client, county,
                                                                                                 personas):
    bad = client.post(reverse("feedback:complaint_form"), {"title": "t", "content": "c", "name": "王五"})
    assert bad.status_code == 400 and "实名提交请填写姓名和联系电话" in bad.content.decode()
    done = client.post(reverse("feedback:complaint_form"),
                       {"title": "窗口没人", "content": "中午没人", "name": "王五", "phone": "13900001111"})
    assert done.status_code == 200 and "已收到您的反映" in done.content.decode()
    complaint = Complaint.objects.get()
    office = personas.rectification_office
    services.assign(complaint, classification=Classification.FIX_NOW, unit=county.center, by=office)
    services.answer(complaint, text="已安排午间轮岗", by=office)
    assert "窗口没人" not in client.get(reverse("feedback:wall")).content.decode()
    services.publish(complaint, public_answer="已安排午间轮岗值守", by=office)
    wall = client.get(reverse("feedback:wall")).content.decode()
    assert "已安排午间轮岗值守" in wall and "王五" not in wall and "13900001111" not in wall


def test_the_figures_page_answers_for_any_month_and_bad_input(client, bad_rating):
    assert client.get(reverse("feedback:figures")).status_code == 200
    assert client.get(reverse("feedback:figures") + "?month=garbage").status_code == 200
    from django.utils import timezone

    page = client.get(reverse("feedback:figures") + f"?month={timezone.localdate():%Y-%m}").content.decode()
    assert 'id="fig-bad">1<' in page


# --- staff ----------------------------------------------------------------------------------------------

def test_the_counter_opens_the_rating_page_for_a_case_of_the_window_only(client_for, personas, make_case, county):
    case = make_case()
    other = make_case(window=county.township_window)
    clerk = client_for(personas.window_clerk)
    response = clerk.post(reverse("feedback:counter"), {"number": case.number})
    assert response.status_code == 302 and "/feedback/rate/" in response["Location"]
    assert clerk.post(reverse("feedback:counter"), {"number": other.number}).status_code == 404
    qr = clerk.get(reverse("feedback:counter") + f"?number={case.number}&qr=1").content.decode()
    assert 'id="counter-qr"' in qr
    assert client_for(personas.inspector).get(reverse("feedback:counter")).status_code == 403


@pytest.mark.parametrize("persona, sees", [("director", True), ("rectification_office", True),
                                           ("inspector", True), ("window_clerk", True),
                                           ("township_admin", False), ("other_township_admin", False)])
def test_the_bad_ratings_list_and_record_follow_the_scope(client_for, personas, bad_rating, persona, sees):
    client = client_for(getattr(personas, persona))
    listing = client.get(reverse("feedback:rating_list")).content.decode()
    assert (bad_rating.case.number in listing) is sees
    assert client.get(bad_rating.get_absolute_url()).status_code == (200 if sees else 404)


def test_the_office_calls_back_and_assigns_the_unit_answers_and_the_office_reports_back(
        client_for, personas, bad_rating, county, unit_clerk):
    office = client_for(personas.rectification_office)
    url = lambda action: reverse("feedback:action", args=["rating", bad_rating.pk, action])  # noqa: E731
    assert office.post(url("assign"), {"classification": "fix_now", "unit": county.department.pk}).status_code == 400
    assert office.post(url("call"), {"note": "申请人说超期没人解释"}).status_code == 302
    assert office.post(url("assign"), {"classification": "fix_now", "unit": "x"}).status_code == 400
    assert office.post(url("assign"), {"classification": "fix_now", "unit": county.department.pk}).status_code == 302
    inspector = client_for(personas.inspector)
    assert inspector.post(url("close"), {"note": "x"}).status_code == 403
    unit = client_for(unit_clerk)
    assert unit.get(bad_rating.get_absolute_url()).status_code == 200
    assert unit.post(url("answer"), {"text": "已向申请人说明并致歉，建立超期说明制度"}).status_code == 302
    office = client_for(personas.rectification_office)
    assert office.post(url("close"), {"note": "已电话告知"}).status_code == 302
    bad_rating.refresh_from_db()
    assert bad_rating.handling_status == HandlingStatus.CLOSED


def test_a_township_admin_cannot_act_on_another_units_rating(client_for, personas, bad_rating):
    client = client_for(personas.other_township_admin)
    assert client.post(reverse("feedback:action", args=["rating", bad_rating.pk, "answer"]),
                       {"text": "x"}).status_code == 404
    assert client.post(reverse("feedback:action", args=["bogus", 1, "answer"])).status_code == 404


def test_a_measure_page_links_back_to_its_rating_and_the_dashboard_shows_every_source(client_for, personas,
                                                                                     bad_rating, county):
    office = personas.rectification_office
    services.record_rating_callback(bad_rating, note="需要改流程", by=office)
    rating = services.assign(bad_rating, classification=Classification.NEEDS_TIME, unit=county.department, by=office)
    client = client_for(office)
    measure_page = client.get(rating.measure.get_absolute_url()).content.decode()
    assert rating.get_absolute_url() in measure_page
    dashboard = client.get(reverse("rectification:dashboard")).content.decode()
    assert 'id="loop-sources"' in dashboard and 'data-source="hotline"' in dashboard
    assert client.get(reverse("feedback:loop")).status_code == 200


def test_the_workbench_shows_the_office_its_queue_and_the_unit_what_was_assigned(client_for, personas, bad_rating,
                                                                                 county, unit_clerk):
    page = client_for(personas.rectification_office).get(reverse("home")).content.decode()
    assert "好差评、投诉与回访" in page
    office = personas.rectification_office
    services.record_rating_callback(bad_rating, note="n", by=office)
    services.assign(bad_rating, classification=Classification.FIX_NOW, unit=county.department, by=office)
    page = client_for(unit_clerk).get(reverse("home")).content.decode()
    assert bad_rating.get_absolute_url() in page


def test_the_callback_list_samples_and_records(client_for, personas, make_case):
    from datetime import date

    from tongban.feedback.models import CallbackItem

    for day in range(1, 5):
        make_case(closed_on=date(2026, 10, day))
    office = client_for(personas.rectification_office)
    assert office.post(reverse("feedback:callback_sample"), {"month": "2026-10"}).status_code == 302
    listing = office.get(reverse("feedback:callback_list") + "?month=2026-10").content.decode()
    item = CallbackItem.objects.first()
    assert item.case.number in listing and "抽样说明" in listing
    detail = office.get(item.get_absolute_url()).content.decode()
    assert "回访话术" in detail
    assert office.post(reverse("feedback:action", args=["callback", item.pk, "callback"]),
                       {"outcome": "satisfied"}).status_code == 302
    assert client_for(personas.window_clerk).post(reverse("feedback:callback_sample"), {}).status_code == 403


def test_list_pages_cost_the_same_queries_for_few_or_many_rows(client_for, personas, make_case):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(personas.rectification_office)

    def queries():
        counts = []
        for name in ("feedback:rating_list", "feedback:complaint_list", "feedback:loop"):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse(name)).status_code == 200
            counts.append(len(captured))
        return counts

    def add(n):
        for _ in range(n):
            services.rate(make_case(), level=Level.UNSATISFIED, channel=RatingChannel.WEB, tags=["other"])
            services.submit_complaint(title="t", content="c", anonymous=True)

    add(2)
    queries()
    few = queries()
    add(10)
    assert queries() == few


# --- 12345 import ---------------------------------------------------------------------------------------

CSV = ("工单号,标题,诉求内容,来电人,联系电话,紧急程度,来电时间\n"
       "GD-001,窗口午休无人,中午去没人,张三,13900000001,紧急,2026-11-02 12:10\n"
       "GD-002,材料反复要,要了三次,李四,13900000002,一般,2026-11-03 09:00\n")


def _upload(client, text, name="orders.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("feedback:hotline_import"), {"file": SimpleUploadedFile(name, text.encode("gb18030"))})


def test_hotline_import_previews_confirms_and_is_idempotent(client_for, personas):
    client = client_for(personas.rectification_office)
    preview = _upload(client, CSV)
    page = preview.content.decode()
    assert preview.status_code == 200 and "新增 2 件" in page
    assert "<td>紧急</td>" in page and "<td>urgent</td>" not in page  # the preview names the urgency, not its code
    token = preview.context["token"]
    mapping = {f"map_{key}": str(index) for key, index in preview.context["result"].mapping.items()}
    assert client.post(reverse("feedback:hotline_import"), {"token": token, "confirm": "1", **mapping}).status_code == 302
    assert Complaint.objects.filter(channel="hotline").count() == 2
    assert Complaint.objects.get(order_number="GD-001").urgency == "urgent"
    again = _upload(client, CSV)
    assert "新增 0 件，已有 2 件" in again.content.decode()
    client.post(reverse("feedback:hotline_import"), {"token": again.context["token"], "confirm": "1", **mapping})
    assert Complaint.objects.count() == 2


def test_hotline_import_lists_bad_rows_and_imports_nothing(client_for, personas):
    client = client_for(personas.rectification_office)
    bad = CSV + "GD-001,重复,内容,,,,\n,无工单号,内容,,,很急,昨天\n"
    page = _upload(client, bad).content.decode()
    assert "第 4 行：工单号“GD-001”在文件中重复" in page
    assert "第 5 行：“工单号”为空；紧急程度“很急”无法识别" in page and "来电时间“昨天”无法识别" in page
    assert 'id="import-confirm"' not in page and Complaint.objects.count() == 0
    assert client_for(personas.window_clerk).get(reverse("feedback:hotline_import")).status_code == 403


# --- API ------------------------------------------------------------------------------------------------

def test_the_api_receives_hotline_orders_with_the_offices_token_only(api_for, personas):
    order = {"order_number": "API-1", "title": "t", "content": "c", "urgency": "complex"}
    office = api_for(personas.rectification_office)
    assert office.post("/api/v1/feedback/complaints/hotline/", order, format="json").status_code == 201
    assert office.post("/api/v1/feedback/complaints/hotline/", order, format="json").status_code == 200
    assert office.post("/api/v1/feedback/complaints/hotline/", {"title": "t"}, format="json").status_code == 400
    assert api_for(personas.window_clerk).post("/api/v1/feedback/complaints/hotline/", order,
                                               format="json").status_code == 403
    assert Complaint.objects.count() == 1


def test_the_api_lists_ratings_in_scope_and_the_figures(api_for, personas, bad_rating):
    assert len(api_for(personas.director).get("/api/v1/feedback/ratings/").json()["results"]) == 1
    assert api_for(personas.other_township_admin).get("/api/v1/feedback/ratings/").json()["results"] == []
    from django.utils import timezone

    figures = api_for(personas.director).get(f"/api/v1/feedback/ratings/figures/?month={timezone.localdate():%Y-%m}")
    assert figures.status_code == 200 and figures.json()["bad"] == 1
    assert api_for(personas.director).get("/api/v1/feedback/ratings/figures/?month=x").status_code == 400


def test_every_printed_notice_carries_the_rating_qr_code(make_case):
    import io

    from docx import Document
    from docx.oxml.ns import qn

    from tongban.cases import notices

    case = make_case()
    document = Document(io.BytesIO(notices.render(case, "acceptance")))
    descriptions = [el.get("descr") for el in document.element.body.iter(qn("wp:docPr"))]
    rating = [d for d in descriptions if d and d.startswith("请扫码评价（好差评）：")]
    assert len(rating) == 1 and "/feedback/rate/" in rating[0]
    assert list(document.element.body.iter(qn("wp:anchor")))  # floating: the notice keeps its one page
    token = rating[0].split("/feedback/rate/")[1].split("/")[0]
    assert services.read_rating_token(token) == (case, RatingChannel.QR)


def test_a_clerk_registers_a_complaint_made_at_the_window(client_for, personas):
    clerk = client_for(personas.window_clerk)
    assert clerk.post(reverse("feedback:complaint_register"), {"title": "t", "content": ""}).status_code == 400
    response = clerk.post(reverse("feedback:complaint_register"),
                          {"title": "复印要收费", "content": "窗口要求自费复印", "anonymous": "on"})
    assert response.status_code == 302
    assert Complaint.objects.get().channel == "window"
    assert client_for(personas.inspector).get(reverse("feedback:complaint_register")).status_code == 403


def test_an_action_posted_to_a_kind_it_does_not_belong_to_answers_404(client_for, personas, make_case, bad_rating):
    from datetime import date

    from tongban.feedback import sampling
    from tongban.feedback.models import CallbackItem

    allowed = {"rating": {"call", "assign", "answer", "close", "reopen", "appeal", "review"},
               "complaint": {"assign", "answer", "visit", "close", "reopen", "publish"},
               "callback": {"callback", "assign", "answer", "close", "reopen"}}
    make_case(closed_on=date(2026, 10, 1))
    sampling.sample_month(date(2026, 10, 1))
    complaint = services.submit_complaint(title="复印要收费", content="窗口要求自费复印", anonymous=True)
    records = {"rating": bad_rating, "complaint": complaint, "callback": CallbackItem.objects.first()}
    actions = {"call", "assign", "answer", "visit", "close", "reopen", "appeal", "review", "publish", "callback", "x"}
    office = client_for(personas.rectification_office)
    for kind, record in records.items():
        for action in sorted(actions - allowed[kind]):
            response = office.post(reverse("feedback:action", args=[kind, record.pk, action]), {"note": "n"})
            assert response.status_code == 404, (kind, action, response.status_code)
        for action in sorted(allowed[kind]):  # the allowed ones are answered (done, refused in Chinese), never a 500
            response = office.post(reverse("feedback:action", args=[kind, record.pk, action]), {"note": "n"})
            assert response.status_code in (302, 400, 403), (kind, action, response.status_code)
    assert office.post(reverse("feedback:action", args=["case", bad_rating.pk, "call"])).status_code == 404


@pytest.mark.parametrize("month", ["9999-12", "1899-01", "2026-13", "garbage"])
def test_a_month_out_of_range_is_refused_in_chinese_on_every_feedback_page_and_the_api(client, client_for, api_for,
                                                                                      personas, month):
    """The one bounded month parser (core.months): 9999-12 has no next month, so the callback list's 下个月 link
    once could not be drawn; every page shows the default month with the reason, the API answers 400."""
    office = client_for(personas.rectification_office)
    listing = office.get(reverse("feedback:callback_list") + f"?month={month}")
    assert listing.status_code == 200 and "月份" in listing.content.decode()
    assert client.get(reverse("feedback:figures") + f"?month={month}").status_code == 200
    sampled = office.post(reverse("feedback:callback_sample"), {"month": month}, follow=True)
    assert sampled.status_code == 200 and "无效" in sampled.content.decode()
    answer = api_for(personas.director).get(f"/api/v1/feedback/ratings/figures/?month={month}")
    assert answer.status_code == 400 and "2000年1月" in answer.content.decode()


@pytest.mark.parametrize("typed", ["²", "١٢", "1e3", "99999999999999999999", "1" * 5000])
def test_assigning_to_a_typed_unit_number_is_a_chinese_error_not_a_500(client_for, personas, bad_rating, typed):
    office = client_for(personas.rectification_office)
    url = lambda action: reverse("feedback:action", args=["rating", bad_rating.pk, action])  # noqa: E731
    office.post(url("call"), {"note": "已回访"})
    response = office.post(url("assign"), {"classification": "fix_now", "unit": typed})
    assert response.status_code == 400
    assert "单位" in response.content.decode()
