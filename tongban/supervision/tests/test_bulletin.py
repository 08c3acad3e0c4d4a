"""The 电子监察月通报: the same figures as the dashboard and the API for the same month, a 公文 that prints
(LibreOffice), published once by the daily job on the first working day, and the command."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from docx import Document

from tongban.supervision import bulletin
from tongban.supervision.reports import Month
from tongban.supervision.tests.test_duty_pages import figures_on_page

pytestmark = pytest.mark.django_db
ON_16_NOV = datetime.fromisoformat("2026-11-16T10:00:00+08:00")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def docx_text(content_or_path) -> str:
    import io

    source = io.BytesIO(content_or_path) if isinstance(content_or_path, bytes) else str(content_or_path)
    document = Document(source)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize("month", ["2026-09", "2026-10", "2026-11"])
def test_the_page_the_api_and_the_bulletin_agree_for_the_same_month(client_for, api_for, personas, october, month):
    with time_machine.travel(ON_16_NOV, tick=False):
        page = figures_on_page(client_for(personas.director).get(f"/supervision/dashboard/?month={month}").content.decode())
        api = api_for(personas.director).get(f"/api/v1/supervision/figures/?month={month}").json()
        report = bulletin.bulletin_report(Month.parse(month), date(2026, 11, 16))
        content = client_for(personas.inspector).get(f"/supervision/bulletin/?month={month}").content
    assert page == api == json.loads(json.dumps(report.figures))
    text = docx_text(content)
    totals = page["totals"]
    assert f"收件{totals['received']}件" in text and f"作出审批决定{totals['decided']}件" in text
    for case in page["overdue_cases"]:
        assert case["number"] in text
    for unit in page["by_unit"]:
        assert unit["unit"] in text


def test_the_october_bulletin_says_what_october_was(october):
    report = bulletin.bulletin_report(Month.parse("2026-10"), date(2026, 11, 2))
    text = report.text()
    assert report.title == "关于2026年10月电子监察情况的通报"
    assert "收件5件，受理5件，作出审批决定3件，其中按期办结2件、超期办结1件，按期办结率66.7%" in text
    assert "当月超过承诺时限的办件共3件" in text
    assert "没有出现故障" in text
    assert [s.heading for s in report.sections] == ["总体情况", "各单位按期办结情况", "超期办件", "亮牌与督办情况",
                                                    "乡镇电子监察终端运行情况", "下一步工作要求"]
    assert "当月没有办件亮牌，未发出督办单。" in text  # no scan has run in this test


def test_the_bulletin_lists_the_months_terminal_faults(october, county):
    from django.utils import timezone

    from tongban.terminals.models import Terminal, TerminalFault

    terminal = Terminal.objects.create(unit=county.township_a, code="T-cg", name="城关镇电子监察终端")
    start = timezone.make_aware(datetime(2026, 10, 10, 17, 0))
    TerminalFault.objects.create(terminal=terminal, silent_since=start, started_at=start + timezone.timedelta(hours=24),
                                 ended_at=start + timezone.timedelta(hours=40))
    figures = bulletin.bulletin_report(Month.parse("2026-10"), date(2026, 11, 2)).figures
    assert figures["terminal_faults"] == [{"terminal": "城关镇电子监察终端", "unit": county.township_a.name,
                                           "started_at": "2026-10-11 17:00", "ended_at": "2026-10-12 09:00", "hours": 16.0}]
    assert bulletin.bulletin_report(Month.parse("2026-09"), date(2026, 11, 2)).figures["terminal_faults"] == []


def test_a_registered_section_of_the_engine_takes_its_place_after_the_overdue_cases(october):
    bulletin.register_section("test.cards", lambda month, figures, today: bulletin.Section("黄牌、红牌情况", ["本月黄牌1张。"]))
    try:
        headings = [s.heading for s in bulletin.bulletin_report(Month.parse("2026-10"), date(2026, 11, 2)).sections]
    finally:
        bulletin._EXTRA.pop("test.cards")
    assert headings.index("超期办件") < headings.index("黄牌、红牌情况") < headings.index("乡镇电子监察终端运行情况")


def test_the_bulletin_counts_the_months_cards_and_orders_as_the_engine_issued_them(october):
    from tongban.supervision import services
    from tongban.supervision.models import Card, Urge

    services.daily(date(2026, 10, 30))
    cards = Card.objects.filter(month=date(2026, 10, 1))
    yellow, red = cards.filter(color="yellow").count(), cards.filter(color="red").count()
    issued = Urge.objects.filter(issued_on__range=(date(2026, 10, 1), date(2026, 10, 31))).count()
    assert yellow + red > 0 and issued > 0
    report = bulletin.bulletin_report(Month.parse("2026-10"), date(2026, 11, 2))
    assert f"亮黄牌{yellow}张、红牌{red}张；发出督办单{issued}件，已答复0件" in report.text()


def test_the_daily_job_publishes_the_previous_month_once_on_the_first_working_day(october, media):
    from tongban.jobs.choices import Outcome
    from tongban.jobs.services import run_job

    before = run_job("supervision.monthly_bulletin", date(2026, 11, 1), trigger="manual")  # a Sunday
    assert before.outcome == Outcome.SKIPPED and not bulletin.stored_path(Month.parse("2026-10")).exists()
    first = run_job("supervision.monthly_bulletin", date(2026, 11, 2), trigger="manual")
    path = bulletin.stored_path(Month.parse("2026-10"))
    assert first.result == {"month": "2026-10", "bulletin_file": "supervision/bulletins/2026-10.docx", "created": True}
    stamp = path.stat().st_mtime_ns
    assert "按期办结率66.7%" in docx_text(path)
    again = run_job("supervision.monthly_bulletin", date(2026, 11, 2), trigger="manual", force=True)
    later = run_job("supervision.monthly_bulletin", date(2026, 11, 3), trigger="manual")
    assert again.outcome == later.outcome == Outcome.SKIPPED
    assert path.stat().st_mtime_ns == stamp


def test_the_dashboard_serves_the_published_bulletin(client_for, personas, october, media):
    path, created = bulletin.publish(Month.parse("2026-10"), date(2026, 11, 2))
    assert created and bulletin.publish(Month.parse("2026-10"), date(2026, 11, 3)) == (path, False)
    response = client_for(personas.director).get("/supervision/bulletin/?month=2026-10")
    assert b"".join(response.streaming_content) == path.read_bytes()
    assert "attachment" in response["Content-Disposition"]


def test_the_command_writes_the_bulletin(october, tmp_path, media):
    target = tmp_path / "通报.docx"
    call_command("supervision_bulletin", "--month", "2026-10", "-o", str(target))
    assert "关于2026年10月电子监察情况的通报" in docx_text(target).replace("\n", "")
    with pytest.raises(CommandError, match="年-月"):
        call_command("supervision_bulletin", "--month", "十月", "-o", str(target))
    with pytest.raises(CommandError, match=".docx"):
        call_command("supervision_bulletin", "--month", "2026-10", "-o", str(tmp_path / "x.pdf"))


def test_the_bulletin_prints_per_gbt_9704_with_libreoffice(october, county, tmp_path):
    from tongban.documents.tests.rendering import near_empty_pages, page_texts, render_pdfs

    path = tmp_path / "bulletin.docx"
    path.write_bytes(bulletin.render(bulletin.bulletin_report(Month.parse("2026-10"), date(2026, 11, 2))))
    [pdf] = render_pdfs([path], tmp_path)
    pages = page_texts(pdf)
    text = "".join("".join(page) for page in pages).replace(" ", "")
    assert "电子监察情况的通报" in text and "按期办结率66.7%" in text and october.c.number in text
    assert near_empty_pages([len(page) for page in pages]) == []
