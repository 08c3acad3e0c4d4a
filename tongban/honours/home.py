"""The 工作台 line of 评优: for a centre leader, the nominations waiting for a decision; for the office, the same
list (what it has put up and not yet heard back on)."""
from __future__ import annotations

from datetime import date

from django.urls import reverse

from tongban.core.home import HomeContent, HomeSection, register
from tongban.honours import rules
from tongban.honours.choices import HonourStatus


def waiting_section(request, today: date) -> HomeContent | None:
    from tongban.honours.selectors import honours

    if not (rules.can_decide(request.user) or rules.can_nominate(request.user)):
        return None
    waiting = list(honours(request.user).filter(status=HonourStatus.NOMINATED).order_by("period_start", "pk")[:10])
    link = f"{reverse('honours:list')}?status={HonourStatus.NOMINATED}"
    return HomeContent(len(waiting), {"waiting": waiting, "deciding": rules.can_decide(request.user)},
                       more_link=link, empty_link=reverse("honours:index"), empty_action="查看评优候选人")


def register_sections() -> None:
    register(HomeSection("honours.waiting", "评优：待决定的提名", "honours/home/_waiting.html", waiting_section,
                         empty="没有待决定的评优提名。考核办在评优项目的候选人页上提名后，提名在这里等待中心领导决定。",
                         order=75, icon="bi-award"))
