"""Every 评优 page and the API, for every persona: nothing out of scope is seen, nothing answers 500; the office
nominates and the leader decides through the pages; the awarded honour is on the portal and the window page."""
from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tongban.honours.periods import HonourPeriod
from tongban.honours.tests.conftest import OCTOBER

pytestmark = pytest.mark.django_db
PERIOD = HonourPeriod.of("monthly", OCTOBER)
PERSONAS = ["director", "rectification_office", "section_chief", "window_clerk", "township_admin",
            "other_township_admin", "inspector", "admin"]


@pytest.fixture
def decided(hall, personas):
    """Three honours of October: 郑标兵 (县市场监管局) and 褚乡镇 (王村乡) awarded, 卫投诉 (城关镇) nominated under a
    kind without rules."""
    from tongban.honours import services
    from tongban.honours.models import HonourKind

    office, leader = personas.rectification_office, personas.director
    star = services.nominate(hall.kinds["service-star"], PERIOD, subject=hall.star, reason="零差评", by=office,
                             today=date(2025, 11, 5))
    wangcun = services.nominate(hall.kinds["service-star"], PERIOD, subject=hall.wangcun, reason="服务热情", by=office,
                                today=date(2025, 11, 5))
    courtesy = HonourKind.objects.create(code="courtesy", name="文明服务之星", subject="staff", no_bad_review=False,
                                         no_upheld_complaint=False, no_lateness=False)
    chengguan = services.nominate(courtesy, PERIOD, subject=hall.complained, reason="乡镇推荐", by=office,
                                  today=date(2025, 11, 5))
    services.decide(star, award=True, note="同意", by=leader)
    services.decide(wangcun, award=True, note="同意", by=leader)
    return {"star": star, "wangcun": wangcun, "chengguan": chengguan}


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_answers_each_persona_within_their_scope(persona, personas, client_for, decided, hall):
    user = getattr(personas, persona)
    client = client_for(user)
    for url in ["/workbench/", "/honours/", "/honours/kinds/service-star/?period=2025-10", "/honours/kinds/party-model/?period=2025-Q4",
                "/honours/list/", "/honours/list/?period=2025-10", "/honours/traits/"]:
        assert client.get(url).status_code == 200, url
    listing = client.get("/honours/list/?period=2025-10").content.decode()
    township_b_reader = persona == "other_township_admin"
    township_a_reader = persona == "township_admin"
    narrow = persona in ("section_chief", "window_clerk")
    assert ("褚乡镇" in listing) == (not (township_a_reader or narrow))
    assert ("卫投诉" in listing) == (not (township_b_reader or narrow))
    assert ("郑标兵" in listing) == (not (township_a_reader or township_b_reader or narrow))
    detail = client.get(f"/honours/{decided['chengguan'].pk}/")
    assert detail.status_code == (404 if township_b_reader or narrow else 200)
    api = client.get("/api/v1/honours/?period=2025-10")
    assert api.status_code == 200
    names = {row["subject_name"] for row in api.json()["results"]}
    assert ("卫投诉" in names) == (not (township_b_reader or narrow))
    assert client.get(f"/api/v1/honours/{decided['chengguan'].pk}/").status_code == (404 if township_b_reader or narrow else 200)
    book = load_workbook(io.BytesIO(client.get("/honours/list/export.xlsx?period=2025-10").content))
    exported = {row[2] for row in book.active.iter_rows(min_row=3, values_only=True)}
    assert ("卫投诉" in exported) == (not (township_b_reader or narrow))
    candidates = client.get("/honours/kinds/service-star/?period=2025-10").content.decode()
    assert ("陈差评" in candidates) == (not (township_b_reader or narrow))


def test_the_export_holds_the_period_s_results_with_their_figures(client_for, personas, decided):
    response = client_for(personas.director).get("/honours/list/export.xlsx?period=2025-10")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "2025年10月评优结果"
    star = next(r for r in rows if r[2] == "郑标兵")
    assert star[1] == "服务标兵" and star[4] == "已授予" and star[5].endswith("号") and star[6] == 99.5 and star[7] == 2


def test_typed_text_that_looks_like_a_formula_stays_text_in_the_export(client_for, personas, hall):
    from tongban.honours import services

    services.nominate(hall.kinds["service-star"], PERIOD, subject=hall.star, reason='=HYPERLINK("http://x","y")',
                      by=personas.rectification_office, today=date(2025, 11, 5))
    content = client_for(personas.director).get("/honours/list/export.xlsx?period=2025-10").content
    cells = [c for row in load_workbook(io.BytesIO(content)).active.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert '=HYPERLINK("http://x","y")' in {c.value for c in cells}


def test_the_office_nominates_on_the_candidates_page_and_the_leader_decides_on_the_honour_page(
        client_for, personas, hall):
    from tongban.honours.models import Honour

    url = "/honours/kinds/service-star/?period=2025-10"
    office = client_for(personas.rectification_office)
    page = office.get(url).content.decode()
    assert "符合条件" in page and "迟到早退 1 次" in page and 'name="reason"' in page
    response = office.post(url, {"period": "2025-10", "subject": hall.star.pk, "reason": "全月零差评"})
    assert response.status_code == 302
    honour = Honour.objects.get()
    # A person failing a rule is refused with the reason, in Chinese, and nothing is written.
    response = office.post(url, {"period": "2025-10", "subject": hall.late.pk, "reason": "试试"}, follow=True)
    assert "迟到早退 1 次" in response.content.decode() and Honour.objects.count() == 1
    assert client_for(personas.window_clerk).post(url, {"subject": hall.star.pk, "reason": "x"}).status_code == 403
    assert client_for(personas.township_admin).post(f"/honours/{honour.pk}/", {"award": "1", "decision_note": "x"}
                                                    ).status_code in (403, 404)
    leader = client_for(personas.director)
    assert 'id="decide-form"' in leader.get(f"/honours/{honour.pk}/").content.decode()
    response = leader.post(f"/honours/{honour.pk}/", {"award": "1", "decision_note": "同意授予"}, follow=True)
    honour.refresh_from_db()
    assert honour.status == "awarded" and honour.decision_number in response.content.decode()
    from django.contrib.contenttypes.models import ContentType

    timeline = leader.get(f"/history/{ContentType.objects.get_for_model(honour).pk}/{honour.pk}/").content.decode()
    assert "提名2025年10月服务标兵：郑标兵" in timeline and f"授予郑标兵2025年10月服务标兵（{honour.decision_number}）" in timeline


def test_the_leader_s_workbench_lists_the_nominations_waiting_for_a_decision(client_for, personas, decided):
    page = client_for(personas.director).get("/workbench/").content.decode()
    assert 'id="honours-waiting"' in page and "卫投诉" in page and "待您决定" in page
    assert "honours-waiting" not in client_for(personas.township_admin).get("/workbench/").content.decode()


def test_bad_filters_and_periods_are_told_in_chinese(client_for, api_for, personas, hall):
    client = client_for(personas.director)
    page = client.get("/honours/kinds/service-star/?period=2025-13", follow=True).content.decode()
    assert "评选期“2025-13”无效" in page or "超出范围" in page
    assert client.get("/honours/kinds/party-model/?period=9999-Q9").status_code == 200
    listing = client.get("/honours/list/?period=abc&unit=99999999999999999999").content.decode()
    assert 'id="filter-errors"' in listing and "评选期" in listing
    assert client.get("/honours/list/export.xlsx?period=abc").status_code == 302
    api = api_for(personas.director).get("/api/v1/honours/?period=abc")
    assert api.status_code == 400
    assert client.get("/honours/kinds/no-such-kind/").status_code == 404


def test_the_awarded_honour_is_on_the_portal_hall_and_the_window_page(client, client_for, personas, decided, county,
                                                                      hall):
    hall_page = client.get(f"/portal/points/{county.center.code}/").content.decode()
    assert "服务标兵" in hall_page and "郑标兵" in hall_page and "2025年10月" in hall_page
    assert "褚乡镇" not in hall_page  # 王村乡's honour is on 王村乡's page
    assert "卫投诉" not in hall_page  # nominated, not awarded
    assert "褚乡镇" in client.get(f"/portal/points/{county.township_b.code}/").content.decode()
    window_page = client_for(personas.director).get(f"/org/windows/{county.specialist_window.pk}/").content.decode()
    assert 'id="window-honours"' in window_page and "郑标兵" in window_page
    public = client.get(f"/portal/points/{county.center.code}/windows/{county.specialist_window.code}/").content.decode()
    assert 'id="window-honours"' in public and "郑标兵" in public  # the counter's screen (窗口公示)


def test_the_office_records_eligibility_and_others_cannot(client_for, personas, hall):
    from tongban.honours.models import StaffTraits

    office = client_for(personas.rectification_office)
    assert office.post("/honours/traits/", {"staff": hall.bad.pk, "party_member": "on"}).status_code == 302
    assert StaffTraits.objects.get(staff=hall.bad).party_member
    assert client_for(personas.township_admin).post("/honours/traits/", {"staff": hall.bad.pk}).status_code == 403
    assert client_for(personas.other_township_admin).get("/honours/traits/").content.decode().count("陈差评") == 0


def test_a_centre_adds_its_own_kind_in_system_management(client_for, personas, hall):
    from tongban.honours.models import HonourKind

    client = client_for(personas.admin)
    form = {"code": "red-flag", "name": "红旗窗口", "period": "monthly", "places": "2", "subject": "window",
            "requires": "", "window_staff_only": "on", "min_score": "95", "min_ratings": "1", "no_bad_review": "on",
            "is_active": "on", "sort_order": "40", "basis": ""}
    refused = client.post("/admin/honours/honourkind/add/", {**form, "requires": "party_member"})
    assert refused.status_code == 200 and "只适用于评选工作人员" in refused.content.decode()
    assert client.post("/admin/honours/honourkind/add/", form).status_code == 302
    kind = HonourKind.objects.get(code="red-flag")
    assert kind.min_score == 95 and not kind.no_lateness
    page = client.get("/honours/kinds/red-flag/?period=2025-10").content.decode()
    assert "王村乡综合窗口" in page and "评价 0 条，少于 1 条" in page


def test_system_management_refuses_a_decision_number_wording_without_the_year(client_for, personas):
    from tongban.honours.models import HonourSettings

    HonourSettings.load()
    client = client_for(personas.admin)
    url = "/admin/honours/honoursettings/1/change/"
    refused = client.post(url, {"number_format": "县政务服务中心评优第{n}号"})
    assert refused.status_code == 200 and "{year}" in refused.content.decode()
    assert HonourSettings.load().number_format == "县政务服务中心评优〔{year}〕{n}号"
    assert client.post(url, {"number_format": "县政务服务中心评优字〔{year}〕{n}号"}).status_code == 302
    assert HonourSettings.load().number_format == "县政务服务中心评优字〔{year}〕{n}号"
