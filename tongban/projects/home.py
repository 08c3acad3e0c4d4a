"""工作台 section of the projects app: a department's 多规合一 opinions and conclusions to give, and its 告知承诺
to verify (the rows come from `selectors`, as on the 项目待办 page)."""
from __future__ import annotations

from datetime import date

from django.urls import reverse

from tongban.core.home import HomeContent, HomeSection, register
from tongban.projects import selectors

SHOWN = 8


def todo_section(request, today: date) -> HomeContent | None:
    if getattr(request.user, "staff", None) is None:
        return None
    rounds = selectors.coordination_to_give(request.user)
    commitments = selectors.commitments_to_verify(request.user)
    count = rounds.count() + commitments.count()
    if not count:
        return None
    return HomeContent(count, {"rounds": list(rounds[:SHOWN]), "commitments": list(commitments[:SHOWN]), "today": today},
                       more_link=reverse("projects:todo"))


def register_sections() -> None:
    register(HomeSection("projects.todo", "工程建设项目待办", "projects/home/_todo.html", todo_section,
                         empty="本部门须填写的多规合一协调意见、须核查的告知承诺会出现在这里。", order=64,
                         icon="bi-building"))
