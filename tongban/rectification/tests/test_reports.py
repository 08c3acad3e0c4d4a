"""The two 公文 are built from the data and reconcile with it (X5): counts add up, every measure and
every finding is in the text, and the .docx is laid out by the GB/T 9704-2012 builder."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from docx import Document

from tongban.org.models import Staff
from tongban.rectification import reports, services
from tongban.rectification.models import Measure
from tongban.rectification.tests.conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(ledger, personas):
    """Mixed states: one verified, one ongoing, two open (one of them overdue on 2023-11-01)."""
    services.add_progress(ledger.section_measure, text="x", files=[upload("a.pdf")])
    services.submit_for_signoff(ledger.section_measure, result="方案已印发")
    services.verify_measure(ledger.section_measure)
    services.start_measure(ledger.ongoing_measure)
    services.set_rectification_group(ledger.inspection, members=[
        (Staff.objects.get(user=personas.director), "leader", "中心党组书记、主任"),
        (Staff.objects.get(user=personas.section_chief), "member", ""),
    ])
    return ledger


def numbers(text: str, pattern: str) -> tuple[int, ...]:
    match = re.search(pattern, text)
    assert match, pattern
    return tuple(int(n) for n in match.groups())


def test_the_progress_report_counts_reconcile_with_the_data(worked):
    report = reports.progress_report(worked.inspection, as_of=date(2023, 11, 1))
    text = report.text()
    problems, suggestions, total, verified, ongoing, open_ = numbers(
        text, r"反馈的(\d+)个问题和(\d+)条意见建议，共制定整改措施(\d+)项，其中(\d+)项已整改到位，(\d+)项.*?，(\d+)项正在整改")
    assert (problems, suggestions) == (1, 1)
    assert verified + ongoing + open_ == total == Measure.objects.filter(finding__inspection=worked.inspection).count()
    assert (verified, ongoing, open_) == (1, 1, 2)
    assert "其中2项已超过完成时限" in text
    figures = report.figures["measures"]
    assert figures["verified"] + figures["ongoing"] + figures["open"] == figures["total"]


def test_the_progress_report_is_shaped_like_seed_000(worked):
    text = reports.progress_report(worked.inspection, as_of=date(2023, 11, 1)).text()
    headings = [line for line in text.splitlines() if re.match(r"^[一二三]、", line)]
    assert headings == ["一、整改工作组织情况", "二、整改落实情况", "三、下一步工作"]
    assert "（一）牵头作用发挥不充分，合力不足。" in text
    assert "张主任任组长" in text and "协调督办、追责问责、建章立制、信息报送" in text
    for measure in Measure.objects.filter(finding__inspection=worked.inspection):
        assert measure.text in text
    assert "一是制定年度工作方案，细化分解为24项具体工作（牵头单位：市场准入股；已整改到位）。整改成效：方案已印发。" in text


def test_the_plan_lists_every_measure_with_its_people_and_deadline(worked, county):
    report = reports.plan_report(worked.inspection, as_of=date(2023, 7, 1))
    text = report.text()
    assert report.figures["items"] == 4 and report.figures["kind"] == "措施"
    assert "共列出整改措施4项，涉及责任单位4个" in text
    assert "责任单位：市场准入股、城关镇便民服务中心；完成时限：2023年9月30日" in text
    title, headers, rows = report.attachment
    assert title == "整改任务清单" and len(rows) == 4


def test_the_plan_states_each_finding_once_with_its_measures_under_it(worked):
    """Seed 003's shape: "1．问题。措施……（责任领导…）"; a finding with several measures is stated once and its
    measures follow as (1), (2), … — never the finding's title again before each measure."""
    report = reports.plan_report(worked.inspection, as_of=date(2023, 7, 1))
    content = report.sections[1]
    assert [(block.heading, block.paragraphs) for block in content.children] == [
        ("1．牵头作用发挥不充分。", [
            "（1）制定年度工作方案，细化分解为24项具体工作。（责任单位：市场准入股、城关镇便民服务中心；完成时限：2023年9月30日）",
            "（2）规范乡镇便民服务中心运行。（责任单位：城关镇便民服务中心；完成时限：2023年10月31日）",
        ]),
        ("2．建议完善回访制度。", [
            "（1）开展政企回访。（责任单位：王村乡便民服务中心；完成时限：2023年10月31日）",
            "（2）常态化开展回访。（责任单位：测试县行政审批服务中心；完成时限：长期坚持）",
        ]),
    ]
    assert report.text().count("牵头作用发挥不充分") == 1


def test_a_finding_with_one_measure_is_one_paragraph_in_the_plan(worked):
    finding = services.add_finding(worked.inspection, description="窗口管理不规范", aspect=worked.aspect)
    services.create_measure(finding=finding, text="修订窗口管理制度", lead_unit=worked.section_measure.lead_unit,
                            deadline=date(2023, 12, 31))
    content = reports.plan_report(worked.inspection, as_of=date(2023, 7, 1)).sections[1]
    assert [(block.heading, block.paragraphs) for block in content.children][1] == (
        "2．窗口管理不规范。", ["修订窗口管理制度。（责任单位：市场准入股；完成时限：2023年12月31日）"])


def test_the_plan_uses_the_work_plans_tasks_when_there_is_one(worked, county, personas):
    plan = services.create_work_plan(title="整改工作方案", year=2023, unit=county.center, inspection=worked.inspection)
    director = Staff.objects.get(user=personas.director)
    services.add_plan_task(plan, title="推出一批“一件事”主题服务", description="面向社会公开主题式办理事项",
                           lead_unit=county.section, units=[county.section, county.department], leaders=[director],
                           deadline=date(2023, 12, 31))
    text = reports.plan_report(worked.inspection).text()
    assert "1．推出一批“一件事”主题服务。" in text
    assert "（责任领导：张主任；责任单位：市场准入股、县市场监管局；完成时限：2023年12月31日）" in text


def test_the_docx_is_a_gongwen(worked):
    title, content = reports.progress_report_docx(worked.inspection, as_of=date(2023, 8, 15))
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    assert round(section.bottom_margin.mm) == 35 and round(section.right_margin.mm) == 26
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    paragraphs = [p for p in document.paragraphs if p.text]
    assert paragraphs[0].text.replace("\n", "") == title == "关于县委第一巡察组巡察反馈意见整改进展情况的报告"
    heading = next(p for p in paragraphs if p.text == "一、整改工作组织情况")
    assert heading.style.name == "一级标题"
    assert document.paragraphs[-1].text.endswith("2023年8月15日")
    fonts = document.styles.element.xpath("//w:rFonts/@w:eastAsia")
    assert "仿宋_GB2312" in fonts and "黑体" in fonts


def test_the_report_download_is_for_county_wide_readers(worked, personas, client_for):
    url = f"/rectification/inspections/{worked.inspection.pk}/reports/progress.docx"
    response = client_for(personas.rectification_office).get(url)
    assert response.status_code == 200
    assert "整改进展情况的报告" in Document(io.BytesIO(response.content)).paragraphs[0].text
    assert client_for(personas.township_admin).get(url).status_code == 403
    assert client_for(personas.rectification_office).get(url.replace("progress", "nonsense")).status_code == 404
