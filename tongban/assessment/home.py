"""The assessment's line on the 工作台: objections waiting for the office's decision (the office), and the
unit's open score sheets during the objection window (the assessed unit)."""
from __future__ import annotations

from datetime import date

from django.urls import reverse

from tongban.core.home import HomeContent, HomeSection, register
from tongban.org.scopes import scope_for

SHOWN = 8


def objections_to_decide(request, today: date) -> HomeContent | None:
    from tongban.assessment import selectors
    from tongban.assessment.rules import is_office

    if not is_office(request.user):
        return None
    pending = selectors.pending_objections(request.user)
    return HomeContent(pending.count(), {"objections": list(pending[:SHOWN])}, more_link=reverse("assessment:months"))


def my_open_sheets(request, today: date) -> HomeContent | None:
    from tongban.assessment.models import ScoreSheet

    scope = scope_for(request.user)
    if scope.everything or scope.is_empty:
        return None
    sheets = (ScoreSheet.objects.visible_to(request.user).filter(assessment__locked_at__isnull=True,
                                                                 assessment__objection_until__gte=today)
              .select_related("unit", "assessment"))
    return HomeContent(sheets.count(), {"sheets": list(sheets[:SHOWN])}, more_link=reverse("assessment:months"))


def register_sections() -> None:
    register(HomeSection("assessment.objections", "待决定的考核申诉", "assessment/home/_objections.html",
                         objections_to_decide, order=60, icon="bi-clipboard-check",
                         empty="被考核单位对月度考核计分提出的申诉会出现在这里，由您决定是否成立。眼下没有待决定的申诉。"))
    register(HomeSection("assessment.sheets", "本单位考核得分（申诉期中）", "assessment/home/_sheets.html",
                         my_open_sheets, order=61, icon="bi-clipboard-data",
                         empty="每月初评分后，本单位上月的考核得分会在申诉期内出现在这里，可逐项核对并申诉。"))
