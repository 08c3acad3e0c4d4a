"""The assessment's part of the 电子监察月通报 (`supervision.bulletin.register_section`): the month's
published 红黑榜, from the same selector as the pages and the 工作通报."""
from __future__ import annotations

from datetime import date

from tongban.supervision.bulletin import Section, register_section
from tongban.supervision.reports import Month


def red_black_board(month: Month, figures: dict, today: date) -> Section | None:
    from tongban.assessment.bulletin import board_section
    from tongban.assessment.models import AssessmentMonth

    assessment = AssessmentMonth.objects.filter(month=month.first, board__isnull=False).first()
    return board_section(assessment) if assessment is not None else None


register_section("assessment_board", red_black_board)
