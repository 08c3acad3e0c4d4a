"""Every figure has one definition (`selectors.bucket_q`) and every place shows the same number:
verified + ongoing + open = total, overdue ≤ open, and an ongoing measure past a checkpoint is its
own line (issue 7, "Figures that must agree everywhere")."""
from __future__ import annotations

import re
from datetime import date

import pytest
import time_machine

from tongban.rectification import reports, services
from tongban.rectification.tests.conftest import upload

pytestmark = pytest.mark.django_db


def page_text(html: str) -> str:
    """What a reader sees: tags dropped, spaces squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def ongoing_past_its_checkpoint(ledger):
    """The ongoing measure at work (长期持续整改); its first checkpoint, 2023-12-31, falls due on
    2024-01-02 and is not reported, so from 2024-01-03 it is past a checkpoint."""
    services.add_progress(ledger.ongoing_measure, text="按计划推进", files=[upload("a.pdf")])


def test_the_progress_report_does_not_count_an_ongoing_measure_past_a_checkpoint_as_overdue(ledger):
    ongoing_past_its_checkpoint(ledger)
    services.update_measure(ledger.section_measure, expected_version=None, deadline=date(2024, 12, 31))
    # Open: the section measure (due 2024-12-31) and the two township measures (due 2023-10-31).
    text = reports.progress_report(ledger.inspection, as_of=date(2024, 1, 3)).text()
    assert "3项正在整改（其中2项已超过完成时限）" in text
    assert "1项已整改但需要按照新的时间节点进行长期持续整改（其中1项未按时间节点报告阶段性进展）" in text


def test_the_inspection_page_never_shows_more_overdue_than_unfinished(ledger, personas, client_for):
    ongoing_past_its_checkpoint(ledger)
    with time_machine.travel("2024-01-03 10:00 +0800", tick=False):
        page = client_for(personas.director).get(ledger.inspection.get_absolute_url()).content.decode()
    text = page_text(page)
    assert "未完成 3 项（逾期 3 项）" in text
    assert "长期持续整改 1 项（时间节点逾期 1 项）" in text

