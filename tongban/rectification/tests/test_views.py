"""The pages, through the real login, for each persona: scopes by URL, the loop in the browser's forms,
the four lists and their Excel exports."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook

from tongban.rectification import services
from tongban.rectification.choices import MeasureStatus
from tongban.rectification.models import Evidence, ImportRun, Inspection, Measure
from tongban.rectification.tests.conftest import PDF_BYTES, upload

pytestmark = pytest.mark.django_db


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def squeezed(html: str) -> str:
    """The page's text with tags dropped and spaces squeezed (the navigation holds 整改 on every page)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# (url, what the office sees, what the township admin sees): each page's own heading and count.
PAGES = [
    ("/rectification/", "整改总览：县委第一巡察组反馈意见整改", "整改总览：县委第一巡察组反馈意见整改"),
    ("/rectification/?inspection=all", "<h1", "<h1"),
    ("/rectification/inspections/", "巡察（巡视） 共 1 次", "巡察（巡视） 共 1 次"),
    ("/rectification/lists/tasks/", "任务清单 共 4 条", "任务清单 共 2 条"),
    ("/rectification/lists/responsibility/", "责任清单 共 5 条", "责任清单 共 3 条"),
    ("/rectification/lists/problems/", "具体问题清单 共 2 条", "具体问题清单 共 1 条"),
    ("/rectification/lists/results/", "效果清单 共 0 条", "效果清单 共 0 条"),
    ("/rectification/overdue/", "逾期整改措施 逾期 4 项，时间节点逾期 0 项", "逾期整改措施 逾期 2 项，时间节点逾期 0 项"),
    ("/rectification/accountability/", "问责记录 共 0 条", "问责记录 共 0 条"),
    ("/rectification/plans/", "工作方案", "工作方案"),
    ("/rectification/bulletins/", "整改月通报", "整改月通报"),
]
MEASURE_PAGES = {"/rectification/", "/rectification/?inspection=all", "/rectification/lists/tasks/",
                 "/rectification/lists/responsibility/", "/rectification/overdue/"}


@pytest.mark.parametrize(("url", "office_sees", "township_sees"), PAGES)
def test_every_page_opens_for_the_office_and_for_a_township(url, office_sees, township_sees, ledger, personas,
                                                            client_for):
    office = page(client_for(personas.rectification_office), url)
    township = page(client_for(personas.township_admin), url)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", office, re.S)
    assert heading, url
    if office_sees == "<h1":  # 整改总览 over every inspection: its heading is the page's own
        assert squeezed(heading.group(1)).strip() == "整改总览"
        office_sees = township_sees = "整改总览"
    assert office_sees in squeezed(office)
    assert township_sees in squeezed(township)
    if url in MEASURE_PAGES:  # 王村乡's measure: on the office's page, never on 城关镇's
        assert "开展政企回访" in office and "开展政企回访" not in township


def test_inspection_page_shows_aspects_findings_measures_and_counts_that_reconcile(ledger, personas, client_for):
    html = page(client_for(personas.rectification_office), ledger.inspection.get_absolute_url())
    assert "（一）牵头作用发挥不充分，合力不足" in html
    assert "制定年度工作方案" in html and "常态化开展回访" in html
    assert 'id="count-problems">1<' in html and 'id="count-suggestions">1<' in html
    assert 'id="count-measures">4<' in html and 'id="count-open">4<' in html and 'id="count-ongoing">0<' in html


def test_a_township_sees_only_its_measures_on_the_inspection_page(ledger, personas, client_for):
    html = page(client_for(personas.township_admin), ledger.inspection.get_absolute_url())
    assert "规范乡镇便民服务中心运行" in html and "制定年度工作方案" in html  # led, and supported
    assert "开展政企回访" not in html
    assert 'id="count-measures">2<' in html


def test_an_inspection_with_nothing_for_you_answers_404(ledger, personas, client_for, county):
    other = services.create_inspection(title="另一次巡察", body="县委", inspected_unit=county.department,
                                       feedback_date=date(2023, 1, 1))
    page(client_for(personas.township_admin), other.get_absolute_url(), 404)


def test_another_townships_measure_answers_404_by_url(ledger, personas, client_for):
    client = client_for(personas.other_township_admin)
    page(client, ledger.township_measure.get_absolute_url(), 404)
    page(client, "/rectification/measures/999999/", 404)
    page(client, ledger.other_township_measure.get_absolute_url())


def test_evidence_is_served_only_in_scope(ledger, personas, client_for):
    update = services.add_progress(ledger.township_measure, text="佐证", files=[upload("会议纪要.pdf")])
    evidence = update.evidence.get()
    response = client_for(personas.township_admin).get(evidence.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert "attachment" in response["Content-Disposition"]
    assert client_for(personas.other_township_admin).get(evidence.get_absolute_url()).status_code == 404


def test_the_whole_loop_through_the_forms(ledger, personas, client_for):
    measure = ledger.township_measure
    url = measure.get_absolute_url()
    clerk = client_for(personas.township_admin)
    assert "填报进展" in page(clerk, url)
    response = clerk.post(f"{url}progress/", {"text": "已完成大厅改造", "files": [upload("照片.pdf")]})
    assert response.status_code == 302
    assert Evidence.objects.filter(update__measure=measure).count() == 1
    clerk.post(f"{url}submit/", {"result": "大厅改造完成"})
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.PENDING_SIGNOFF

    office = client_for(personas.rectification_office)
    html = page(office, url)
    assert "审核通过，销号" in html and "退回整改" in html
    office.post(f"{url}return/", {"reason": "照片不清晰"})
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.IN_PROGRESS

    clerk = client_for(personas.township_admin)
    assert "照片不清晰" in page(clerk, url)
    clerk.post(f"{url}progress/", {"text": "补拍清晰照片", "files": [upload("清晰照片.pdf")]})
    clerk.post(f"{url}submit/", {})
    office = client_for(personas.rectification_office)
    office.post(f"{url}verify/", {"comment": "同意销号"})
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.VERIFIED


def test_a_refused_transition_shows_the_chinese_reason(ledger, personas, client_for):
    client = client_for(personas.township_admin)
    services.start_measure(ledger.township_measure)
    response = client.post(f"{ledger.township_measure.get_absolute_url()}submit/", {}, follow=True)
    assert "申请销号前请至少上传一份佐证材料" in response.content.decode()


def test_a_bad_file_is_refused_with_its_name(ledger, personas, client_for):
    client = client_for(personas.township_admin)
    response = client.post(f"{ledger.township_measure.get_absolute_url()}progress/",
                           {"text": "x", "files": [upload("病毒.exe", b"MZ")]}, follow=True)
    assert "病毒.exe" in response.content.decode()
    assert not Evidence.objects.exists()


def measure_state(measure) -> tuple:
    """Everything an action on a measure could change: its row, its progress, evidence, accountability and timeline."""
    from tongban.history.services import events_for
    from tongban.rectification.models import Accountability, ProgressUpdate

    row = Measure.objects.filter(pk=measure.pk).values("status", "version", "verified_at", "verified_by").get()
    return (row, ProgressUpdate.objects.filter(measure=measure).count(), Evidence.objects.count(),
            Accountability.objects.count(), events_for(Measure.objects.get(pk=measure.pk)).count())


ACTION_POSTS = {  # what an authorised person would post, and it would change the measure
    "verify": {"comment": "同意销号"},
    "progress": {"text": "已完成第一阶段"},
    "accountability": {"action_kind": "talk", "reason_kind": "overdue", "decided_on": "2024-01-10",
                       "decided_by": "中心党组", "notes": "逾期未完成"},
}


@pytest.mark.parametrize("persona,action", [
    ("inspector", "verify"), ("township_admin", "verify"), ("township_admin", "accountability"),
    ("window_clerk", "progress"), ("inspector", "progress"),
])
def test_actions_outside_ones_role_are_forbidden_and_change_nothing(persona, action, ledger, personas, client_for):
    measure = ledger.section_measure
    services.add_progress(measure, text="x", files=[upload("a.pdf")], by=personas.section_chief)
    services.submit_for_signoff(measure, by=personas.section_chief)  # so that 销号 would be possible
    before = measure_state(measure)
    client = client_for(getattr(personas, persona))
    response = client.post(f"{measure.get_absolute_url()}{action}/", ACTION_POSTS[action])
    assert response.status_code in (403, 404)  # 404 when the record is out of the persona's scope
    assert measure_state(measure) == before


def test_a_supporting_unit_reports_progress_but_does_not_submit(ledger, personas, client_for):
    client = client_for(personas.township_admin)
    url = ledger.section_measure.get_absolute_url()
    assert client.post(f"{url}progress/", {"text": "配合完成"}).status_code == 302
    assert client.post(f"{url}submit/", {}).status_code == 403


@time_machine.travel(date(2030, 1, 20), tick=False)
def test_revisit_and_accountability_forms(ledger, personas, client_for, county):
    services.add_progress(ledger.township_measure, text="x", files=[upload("a.pdf")])
    services.submit_for_signoff(ledger.township_measure)
    services.verify_measure(ledger.township_measure)
    office = client_for(personas.rectification_office)
    url = ledger.township_measure.get_absolute_url()
    office.post(f"{url}revisit/", {"scheduled_date": "2030-01-10"})
    revisit = ledger.township_measure.revisits.get()
    office.post(f"{url}revisit-record/", {"revisit": revisit.pk, "done_date": "2030-01-12", "satisfied": "0",
                                         "notes": "群众不满意", "new_deadline": "2099-06-30"})
    measure = Measure.objects.get(pk=ledger.township_measure.pk)
    assert measure.status == MeasureStatus.IN_PROGRESS and measure.reopened_count == 1
    office.post(f"{url}accountability/", {"action_kind": "talk", "reason_kind": "superficial",
                                         "target_unit": county.township_a.pk, "decided_on": "2030-01-15",
                                         "decided_by": "中心党组"})
    assert measure.accountabilities.count() == 1
    assert "表面整改" in page(office, "/rectification/accountability/")


@time_machine.travel(date(2030, 1, 20), tick=False)
def test_the_revisit_form_takes_a_date_before_the_planned_one_and_refuses_a_future_one(ledger, personas, client_for):
    services.add_progress(ledger.township_measure, text="x", files=[upload("a.pdf")])
    services.submit_for_signoff(ledger.township_measure)
    services.verify_measure(ledger.township_measure)
    revisit = services.schedule_revisit(ledger.township_measure, scheduled_date=date(2030, 2, 1))
    office = client_for(personas.rectification_office)
    url = ledger.township_measure.get_absolute_url()
    assert 'max="2030-01-20"' in page(office, url)  # the date picker offers nothing after today
    response = office.post(f"{url}revisit-record/", {"revisit": revisit.pk, "done_date": "2030-01-21",
                                                    "satisfied": "1"}, follow=True)
    assert "回头看完成日期不能晚于今天（2030年1月20日）。" in response.content.decode()
    revisit.refresh_from_db()
    assert revisit.done_date is None
    office.post(f"{url}revisit-record/", {"revisit": revisit.pk, "done_date": "2030-01-15", "satisfied": "1"})
    revisit.refresh_from_db()
    assert (revisit.done_date, revisit.satisfied) == (date(2030, 1, 15), True)


def submitted(measure, by):
    services.add_progress(measure, text="已完成", files=[upload("a.pdf")], by=by)
    return services.submit_for_signoff(measure, by=by)


SECTION_TEXT, TOWNSHIP_TEXT = "制定年度工作方案，细化分解为24项具体工作", "规范乡镇便民服务中心运行"


def test_the_signoff_list_shows_what_waits_for_my_signoff_and_never_my_own_request(ledger, personas, client_for):
    submitted(ledger.section_measure, personas.section_chief)
    submitted(ledger.township_measure, personas.rectification_office)
    office = page(client_for(personas.rectification_office), "/rectification/signoff/")
    assert SECTION_TEXT in office and TOWNSHIP_TEXT not in office  # the office applied for the township's
    assert "王股长" in office  # the applicant by name
    director = page(client_for(personas.director), "/rectification/signoff/")
    assert SECTION_TEXT in director and TOWNSHIP_TEXT in director


def test_the_signoff_list_filters_with_the_lists_filterset(ledger, personas, client_for, county):
    submitted(ledger.section_measure, personas.section_chief)
    submitted(ledger.township_measure, personas.township_admin)
    director = client_for(personas.director)
    filtered = page(director, f"/rectification/signoff/?lead_unit={county.township_a.pk}")
    assert TOWNSHIP_TEXT in filtered and SECTION_TEXT not in filtered
    assert 'id="filter-chips"' in filtered


def test_people_who_may_not_sign_off_have_no_signoff_list(ledger, personas, client_for):
    submitted(ledger.township_measure, personas.township_admin)
    for persona in (personas.township_admin, personas.section_chief, personas.inspector):
        assert client_for(persona).get("/rectification/signoff/").status_code == 403
    assert Measure.objects.get(pk=ledger.township_measure.pk).status == MeasureStatus.PENDING_SIGNOFF


def test_awaiting_signoff_for_is_the_list_pages_selector(ledger, personas):
    from tongban.rectification.todo import awaiting_signoff_for

    submitted(ledger.section_measure, personas.section_chief)
    submitted(ledger.township_measure, personas.rectification_office)
    assert [m.text for m in awaiting_signoff_for(personas.rectification_office)] == [SECTION_TEXT]
    assert [m.text for m in awaiting_signoff_for(personas.director)] == [SECTION_TEXT, TOWNSHIP_TEXT]
    assert list(awaiting_signoff_for(personas.township_admin)) == []


def test_the_office_creates_an_inspection_a_finding_and_a_measure(county, personas, client_for):
    client = client_for(personas.rectification_office)
    response = client.post("/rectification/inspections/new/", {
        "title": "县委第二巡察组反馈", "kind": "patrol", "body": "县委", "group": "县委第二巡察组",
        "inspected_unit": county.center.pk, "feedback_date": "2024-03-01", "status": "rectifying",
    })
    inspection = Inspection.objects.get(title="县委第二巡察组反馈")
    assert response.status_code == 302 and inspection.report_due_date == date(2024, 5, 1)
    client.post(f"/rectification/inspections/{inspection.pk}/findings/new/",
                {"aspect_title": "作风建设不够", "kind": "problem", "description": "窗口人员纪律松散"})
    finding = inspection.findings.get()
    client.post(f"/rectification/findings/{finding.pk}/measures/new/", {
        "text": "开展作风整顿", "lead_unit": county.section.pk, "coordinating_units": [county.department.pk],
        "deadline_kind": "date", "deadline": "2024-06-30",
    })
    measure = finding.measures.get()
    assert [u.name for u in measure.coordinating_units] == ["县市场监管局"]


def test_a_township_admin_cannot_create_inspections(personas, client_for):
    assert client_for(personas.township_admin).get("/rectification/inspections/new/").status_code == 403


@pytest.mark.parametrize("slug,expected_rows", [("tasks", 4), ("responsibility", 5), ("problems", 2), ("results", 1)])
def test_each_list_exports_to_excel_with_the_same_rows(slug, expected_rows, ledger, personas, client_for):
    services.add_progress(ledger.section_measure, text="x", files=[upload("a.pdf")])
    services.submit_for_signoff(ledger.section_measure, result="已印发方案")
    services.verify_measure(ledger.section_measure)
    client = client_for(personas.rectification_office)
    response = client.get(f"/rectification/lists/{slug}/?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    data_rows = [row for row in sheet.iter_rows(min_row=3, values_only=True) if any(row)]
    assert len(data_rows) == expected_rows
    assert page(client, f"/rectification/lists/{slug}/").count("<tr>") == expected_rows + 1


def test_an_export_holds_only_what_the_user_may_see(ledger, personas, client_for):
    response = client_for(personas.other_township_admin).get("/rectification/lists/tasks/?export=xlsx")
    texts = [row[2] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True)]
    assert texts == ["开展政企回访"]


def test_the_overdue_page_lists_what_is_past_due(ledger, personas, client_for):
    html = page(client_for(personas.rectification_office), "/rectification/overdue/")
    assert "制定年度工作方案" in html and "逾期天数" in html


def test_the_dashboard_carries_chart_data_that_reconciles(ledger, personas, client_for):
    response = client_for(personas.rectification_office).get("/rectification/")
    charts = response.context["charts"]
    assert sum(row["total"] for row in charts["by_aspect"]) == 4
    assert sum(row["total"] for row in charts["by_unit"]) == 4
    assert len(charts["trend"]) == 12
    assert "echarts.min.js" in response.content.decode()


def test_the_timeline_of_a_measure_is_scoped(ledger, personas, client_for):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Measure)
    url = f"/history/{ct.pk}/{ledger.township_measure.pk}/"
    assert "新增整改措施" in page(client_for(personas.township_admin), url)
    page(client_for(personas.other_township_admin), url, 404)


def test_a_measures_timeline_names_people_and_labels_and_tells_its_creation_once(ledger, personas, client_for):
    from django.contrib.contenttypes.models import ContentType

    office = client_for(personas.rectification_office)
    measure_url = ledger.section_measure.get_absolute_url()
    office.post(f"{measure_url}progress/", {"text": "已印发", "files": [upload("方案.pdf")]})
    client_for(personas.section_chief).post(f"{measure_url}submit/", {"result": "方案已印发"})
    url = f"/history/{ContentType.objects.get_for_model(Measure).pk}/{ledger.section_measure.pk}/"
    html = page(office, url)
    assert "申请销号人：（空） → 王股长" in html and "chief" not in html  # a person's name, not a login
    assert "状态：整改中 → 申请销号" in html  # labels, not codes
    assert "· 李整改" in html and "· 王股长" in html  # who did it
    assert html.count("新增整改措施") == 1 and "创建" not in html  # one entry for the creation
    assert "（空） → （空）" not in html


# --- the web import: upload → preview (mapping changeable) → confirm -------------------------------


def _upload_ledger(client, rows=None, **extra):
    from tongban.rectification.tests.test_importing import good_rows, messy_ledger

    content = messy_ledger(rows or good_rows()).getvalue()
    return client.post("/rectification/import/", {"file": upload("台账.xlsx", content), **extra})


def test_the_web_import_previews_then_imports(county, personas, client_for, settings):
    client = client_for(personas.rectification_office)
    response = _upload_ledger(client)
    assert response.status_code == 302
    preview_url = response["Location"]
    token = preview_url.rstrip("/").rsplit("/", 1)[-1]
    assert (settings.MEDIA_ROOT / "imports" / f"{token}.xlsx").is_file()
    html = page(client, preview_url)
    assert "新增 4 项" in html and "确认导入" in html and 'name="map_measure_text"' in html
    assert "core/_import_mapping.html" in [t.name for t in client.get(preview_url).templates]  # shared with 省平台
    assert not Measure.objects.exists()
    response = client.post(preview_url, {"confirm": "1"})
    assert response.status_code == 302 and Measure.objects.count() == 4
    assert not (settings.MEDIA_ROOT / "imports" / f"{token}.xlsx").exists()
    assert client.get(preview_url).status_code == 404
    # The confirm step ran as a Huey task (immediate here); its page shows the finished bar and the way on.
    run = ImportRun.objects.get()
    assert response["Location"] == run.get_absolute_url() == f"/rectification/import/runs/{run.pk}/"
    assert (run.status, run.by, run.progress_done, run.progress_total) == ("succeeded", personas.rectification_office, 4, 4)
    inspection = Inspection.objects.get()
    assert run.inspection == inspection and run.result["created"] == 4
    html = page(client, response["Location"])
    assert 'aria-valuenow="100"' in html and 'style="width: 100%">100%' in html and "hx-trigger" not in html
    assert f'id="import-done-link" href="{inspection.get_absolute_url()}"' in html and "新增 4 项" in html


def test_the_progress_partial_polls_while_the_import_runs_and_then_sends_htmx_on(county, personas, client_for):
    office = personas.rectification_office
    run = ImportRun.objects.create(file_name="台账.xlsx", path="/nonexistent.xlsx", by=office, status="running",
                                   progress_done=3, progress_total=10)
    client = client_for(office)
    html = page(client, f"/rectification/import/runs/{run.pk}/progress/")
    assert html.startswith('<div id="import-progress"') and "<html" not in html
    assert 'hx-trigger="every 1s"' in html and 'aria-valuenow="30"' in html and "导入中" in html
    inspection = services.create_inspection(title="县委第一巡察组", body="县委", inspected_unit=county.center,
                                            feedback_date=date(2023, 6, 17))
    ImportRun.objects.filter(pk=run.pk).update(status="succeeded", inspection=inspection, summary="导入完成")
    response = client.get(f"/rectification/import/runs/{run.pk}/progress/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == inspection.get_absolute_url()
    assert 'aria-valuenow="100"' in response.content.decode() and "hx-trigger" not in response.content.decode()
    assert client_for(personas.director).get(f"/rectification/import/runs/{run.pk}/").status_code == 404  # not theirs


def test_a_confirmed_import_that_fails_in_the_worker_lists_its_errors_and_writes_nothing(county, personas, client_for):
    from tongban.rectification.tests.test_importing import good_rows

    rows = good_rows()
    rows[0][4] = "不存在的局"
    client = client_for(personas.rectification_office)
    response = client.post(_upload_ledger(client, rows)["Location"], {"confirm": "1"})
    html = page(client, response["Location"])
    assert ImportRun.objects.get().status == "failed" and not Measure.objects.exists()
    assert 'id="import-errors"' in html and "找不到单位“不存在的局”" in html and "数据库未做任何修改" in html
    assert "import-done-link" not in html


def test_the_preview_lists_every_error_and_offers_no_confirm(county, personas, client_for):
    from tongban.rectification.tests.test_importing import good_rows

    rows = good_rows()
    rows[0][4] = "不存在的局"
    client = client_for(personas.rectification_office)
    html = page(client, _upload_ledger(client, rows)["Location"])
    assert "找不到单位“不存在的局”" in html and "确认导入" not in html


def test_the_column_mapping_can_be_changed_in_the_preview(county, personas, client_for):
    client = client_for(personas.rectification_office)
    url = _upload_ledger(client)["Location"]
    html = page(client, f"{url}?map_deadline=")  # unmap 完成时限: a required column
    assert "缺少必需的列：整改时限" in html


def test_only_the_uploader_continues_an_import(county, personas, client_for):
    client = client_for(personas.rectification_office)
    url = _upload_ledger(client)["Location"]
    other = client_for(personas.director)
    assert other.get(url).status_code == 404


def test_a_ledger_upload_must_be_a_real_spreadsheet(county, personas, client_for):
    client = client_for(personas.rectification_office)
    response = client.post("/rectification/import/", {"file": upload("台账.xlsx", PDF_BYTES)})
    assert response.status_code == 200 and "文件“台账.xlsx”的内容不是 .xlsx 文件（无法识别的内容）" in response.content.decode()
    response = client.post("/rectification/import/", {"file": upload("台账.xls", b"\xd0\xcf\x11\xe0")})
    assert "文件“台账.xls”的内容不是 .xls 文件" in response.content.decode()
    response = client.post("/rectification/import/", {"file": upload("台账.csv", b"a,b")})
    assert "不支持的文件类型“.csv”，请上传 .xlsx、.xls、.et、.ods 文件。" in response.content.decode()


def test_the_import_page_is_for_the_office(personas, client_for):
    assert client_for(personas.township_admin).get("/rectification/import/").status_code == 403


# --- scope of findings and their history -----------------------------------------------------------


def test_a_township_sees_only_its_findings_on_the_inspection_page_and_its_timeline(ledger, personas, client_for):
    from tongban.history.templatetags.history import timeline_url

    client = client_for(personas.township_admin)
    html = page(client, ledger.inspection.get_absolute_url())
    assert "牵头作用发挥不充分" in html
    assert "建议完善回访制度" not in html and "意见建议</div>" not in html  # the other finding and its aspect
    timeline = page(client, timeline_url(ledger.inspection))
    assert "建议完善回访制度" not in timeline and "牵头作用发挥不充分</" not in timeline
    office_html = page(client_for(personas.rectification_office), ledger.inspection.get_absolute_url())
    assert "建议完善回访制度" in office_html


def test_a_finding_is_recorded_on_its_own_timeline(ledger, personas, client_for):
    from tongban.history.templatetags.history import timeline_url

    assert "新增意见建议：建议完善回访制度" in page(client_for(personas.rectification_office), timeline_url(ledger.suggestion))
    page(client_for(personas.township_admin), timeline_url(ledger.suggestion), 404)


def test_the_accountability_list_names_only_measures_the_user_may_see(ledger, personas, client_for, county):
    services.record_accountability(action_kind="talk", reason_kind="overdue", decided_on=date(2023, 11, 1),
                                   decided_by="中心党组", target_unit=county.township_a,
                                   measures=[ledger.township_measure, ledger.other_township_measure],
                                   by=personas.rectification_office)
    html = page(client_for(personas.township_admin), "/rectification/accountability/")
    assert "规范乡镇便民服务中心运行" in html and "开展政企回访" not in html


# --- report downloads and bulletins by permission -------------------------------------------------------


def test_report_buttons_show_only_to_those_who_may_download(ledger, personas, client_for):
    url = ledger.inspection.get_absolute_url()
    assert 'id="report-progress"' in page(client_for(personas.inspector), url)
    township = page(client_for(personas.township_admin), url)
    assert 'id="report-progress"' not in township and 'id="report-plan"' not in township
    assert client_for(personas.inspector).get(f"/rectification/inspections/{ledger.inspection.pk}/reports/plan.docx").status_code == 200


def test_the_bulletin_tab_shows_only_to_county_wide_roles(ledger, personas, client_for):
    assert "月通报</a>" in page(client_for(personas.director), "/rectification/")
    assert "月通报</a>" not in page(client_for(personas.township_admin), "/rectification/")


@pytest.mark.parametrize("typed", ["abc", "²", "١٢", "1e3", "99999999999999999999", "1" * 5000])
def test_a_non_numeric_version_on_a_plan_task_is_a_message_not_an_error(ledger, personas, client_for, county, typed):
    plan = services.create_work_plan(title="年度方案", year=2023, unit=county.center)
    task = services.add_plan_task(plan, title="建立台账", lead_unit=county.section)
    client = client_for(personas.rectification_office)
    response = client.post(plan.get_absolute_url(), {"task": task.pk, "status": "done", "expected_version": typed})
    assert response.status_code == 302
    assert type(task).objects.get(pk=task.pk).status == "not_started"
    assert "版本号无效" in client.get(response["Location"]).content.decode()


def test_a_work_plan_is_visible_to_a_unit_holding_one_of_its_tasks(ledger, personas, client_for, county):
    from tongban.rectification.models import WorkPlan

    plan = services.create_work_plan(title="中心年度整改方案", year=2023, unit=county.center)
    services.add_plan_task(plan, title="清理中介服务事项", lead_unit=county.center, units=[county.section])
    hidden = services.create_work_plan(title="另一方案", year=2023, unit=county.center)
    assert set(WorkPlan.objects.visible_to(personas.section_chief)) == {plan}
    client = client_for(personas.section_chief)
    assert "中心年度整改方案" in page(client, "/rectification/plans/")
    page(client, plan.get_absolute_url())
    page(client, hidden.get_absolute_url(), 404)
    page(client_for(personas.other_township_admin), plan.get_absolute_url(), 404)


# --- the leadership group and the work plans, through their forms --------------------------------------


def _staff_of(user):
    from tongban.org.models import Staff

    return Staff.objects.get(user=user)


def _progress_report_text(client, inspection) -> str:
    from docx import Document

    response = client.get(f"/rectification/inspections/{inspection.pk}/reports/progress.docx")
    assert response.status_code == 200
    return "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)


def test_the_office_sets_the_group_and_the_progress_report_names_it(ledger, personas, client_for, county):
    client = client_for(personas.rectification_office)
    url = ledger.inspection.get_absolute_url()
    assert "（尚未在系统中登记整改工作领导小组。）" in _progress_report_text(client, ledger.inspection)
    assert 'id="group-form"' in page(client, url)
    response = client.post(f"{url}group/", {
        "name": "巡察反馈问题整改工作领导小组", "leaders": [_staff_of(personas.director).pk],
        "deputies": [_staff_of(personas.rectification_office).pk], "members": [_staff_of(personas.section_chief).pk],
        "office_unit": county.center.pk, "office_duties": "协调督办、追责问责、信息报送",
    })
    assert response.status_code == 302 and response["Location"] == url
    html = page(client, url)
    assert "张主任（主任）" in html and "王股长（股长）" in html and f"设在{county.center.name}" in html
    text = _progress_report_text(client, ledger.inspection)
    assert "尚未在系统中登记整改工作领导小组" not in text
    assert "主任张主任任组长" in text and "李整改任副组长" in text and "股长王股长任成员" in text
    assert "办公室负责协调督办、追责问责、信息报送" in text


def test_one_person_cannot_hold_two_posts_in_the_group(ledger, personas, client_for):
    from tongban.rectification.models import RectificationGroup

    director = _staff_of(personas.director).pk
    response = client_for(personas.rectification_office).post(
        f"{ledger.inspection.get_absolute_url()}group/",
        {"name": "领导小组", "leaders": [director], "members": [director], "office_duties": "协调督办"})
    assert response.status_code == 200 and "同一人只能担任一个职务：张主任" in response.content.decode()
    assert not RectificationGroup.objects.exists()


@pytest.mark.parametrize("persona", ["window_clerk", "township_admin", "inspector"])
def test_only_managers_set_the_group_and_make_plans(persona, ledger, personas, client_for, county):
    plan = services.create_work_plan(title="年度方案", year=2023, unit=county.center)
    client = client_for(getattr(personas, persona))
    director = _staff_of(personas.director).pk
    assert client.post(f"/rectification/inspections/{ledger.inspection.pk}/group/",
                       {"name": "领导小组", "leaders": [director], "office_duties": "协调"}).status_code == 403
    assert client.post("/rectification/plans/", {"title": "方案", "year": 2024, "unit": county.center.pk}).status_code == 403
    assert client.post(f"/rectification/plans/{plan.pk}/tasks/new/",
                       {"title": "任务", "lead_unit": county.center.pk}).status_code == 403
    assert not plan.tasks.exists()
    assert 'id="plan-form"' not in page(client, "/rectification/plans/")


def test_the_office_makes_a_plan_and_decomposes_it_into_tasks(ledger, personas, client_for, county):
    from tongban.rectification.models import WorkPlan

    client = client_for(personas.rectification_office)
    assert 'id="plan-form"' in page(client, "/rectification/plans/")
    response = client.post("/rectification/plans/", {"title": "2024年度工作方案", "year": 2024, "unit": county.center.pk,
                                                     "inspection": ledger.inspection.pk, "description": "24项具体工作"})
    plan = WorkPlan.objects.get(title="2024年度工作方案")
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert plan.inspection == ledger.inspection
    response = client.post(f"/rectification/plans/{plan.pk}/tasks/new/", {
        "title": "清理中介服务事项", "lead_unit": county.center.pk, "units": [county.section.pk],
        "leaders": [_staff_of(personas.director).pk], "deadline": "2024-06-30",
    })
    assert response.status_code == 302
    task = plan.tasks.get()
    assert (task.number, task.deadline, list(task.leaders.values_list("name", flat=True))) == (1, date(2024, 6, 30), ["张主任"])
    html = page(client, plan.get_absolute_url())
    assert "清理中介服务事项" in html and "2024-06-30" in html and "张主任" in html
    response = client.post(f"/rectification/plans/{plan.pk}/tasks/new/", {"title": "", "lead_unit": county.center.pk})
    assert response.status_code == 200 and 'id="task-form"' in response.content.decode()
    assert plan.tasks.count() == 1
    assert "2024年度工作方案" in page(client_for(personas.section_chief), "/rectification/plans/")  # its task's unit


# --- filters: selects from the user's scope, chips, an invalid choice filters to nothing ----------------


@pytest.mark.parametrize("url", ["/rectification/lists/tasks/", "/rectification/lists/responsibility/",
                                 "/rectification/lists/results/", "/rectification/overdue/"])
def test_a_filtered_page_shows_its_filter_as_a_chip_with_a_clear_link(url, ledger, personas, client_for, county):
    html = page(client_for(personas.rectification_office), f"{url}?unit={county.township_b.pk}&page=1")
    assert 'id="filter-chips"' in html and f"责任单位（任一角色）：{county.township_b.name}" in html
    assert f'id="filter-clear" href="{url}"' in html
    assert 'href="?"' in html  # the chip's ✕: the same page without that filter (and without the page number)
    assert f'<option value="{county.township_b.pk}" selected>' in html
    assert "规范乡镇便民服务中心运行" not in html


def test_the_unit_filter_keeps_to_its_unit(ledger, personas, client_for, county):
    html = page(client_for(personas.rectification_office), f"/rectification/lists/tasks/?unit={county.township_a.pk}")
    assert "规范乡镇便民服务中心运行" in html and "制定年度工作方案" in html and "开展政企回访" not in html
    html = page(client_for(personas.rectification_office), f"/rectification/lists/problems/?inspection={ledger.inspection.pk}")
    assert f"巡察：{ledger.inspection.title}" in html


def test_filter_selects_offer_only_what_the_user_may_see(ledger, personas, client_for, county):
    html = page(client_for(personas.township_admin), "/rectification/lists/tasks/")
    assert f'<option value="{county.township_a.pk}">' in html
    assert f'<option value="{county.township_b.pk}"' not in html
    assert f'<option value="{ledger.inspection.pk}">' in html


def test_an_out_of_scope_unit_is_an_invalid_choice_not_a_silent_no_op(ledger, personas, client_for, api_for, county):
    client = client_for(personas.township_admin)
    url = f"/rectification/lists/tasks/?unit={county.township_b.pk}"
    html = page(client, url)
    assert 'id="filter-errors"' in html and "有效的选项" in html and 'id="filter-chips"' not in html
    assert "没有符合条件的记录" in html and "规范乡镇便民服务中心运行" not in html
    sheet = load_workbook(io.BytesIO(client.get(f"{url}&export=xlsx").content)).active
    assert not [row for row in sheet.iter_rows(min_row=3, values_only=True) if any(row)]
    response = api_for(personas.township_admin).get(f"/api/v1/measures/?unit={county.township_b.pk}")
    assert response.status_code == 400 and "unit" in str(response.json())


@pytest.mark.parametrize("persona,action", [
    ("rectification_office", "verify"), ("rectification_office", "accountability"), ("section_chief", "progress"),
])
def test_the_same_posts_by_the_right_role_do_change_the_measure(persona, action, ledger, personas, client_for):
    """The control for the test above: what was refused there is a valid request in the right hands."""
    measure = ledger.section_measure
    services.add_progress(measure, text="x", files=[upload("a.pdf")], by=personas.section_chief)
    services.submit_for_signoff(measure, by=personas.section_chief)
    before = measure_state(measure)
    posted = {**ACTION_POSTS[action], "target_unit": ledger.section_measure.lead_unit_id}
    response = client_for(getattr(personas, persona)).post(f"{measure.get_absolute_url()}{action}/", posted)
    assert response.status_code == 302
    assert measure_state(measure) != before
