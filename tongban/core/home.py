"""The 工作台 (each person's home page) is built from sections that the apps register; `core` knows none of them.

An app registers its sections when it starts (in its own module, imported from `AppConfig.ready()`):

    from tongban.core.home import HomeSection, register

    register(HomeSection(
        key="rectification.signoff", title="待我审核销号", order=10,
        template="rectification/home/_measures.html",
        empty="整改措施申请销号后会出现在这里，由您审核通过或退回。",
        build=awaiting_my_signoff,       # (request, today) -> HomeContent | None
    ))

`build` answers None when the section does not concern this person (a window clerk has nothing to sign off),
so the section is not shown at all; otherwise a `HomeContent` whose `count` decides between the section's
template and its empty state. The empty state says what will appear there and what to do first; `empty_link`
and `empty_action` give that first step a link. Cases, supervision and feedback add their own sections the
same way, without a change here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from django.http import HttpRequest


@dataclass
class HomeContent:
    """What a section shows to one person: `count` items (0 → the empty state) and its template's context."""

    count: int
    context: dict = field(default_factory=dict)
    more_link: str = ""  # "查看全部" when the section shows only the first few
    empty_link: str = ""
    empty_action: str = ""


@dataclass(frozen=True)
class HomeSection:
    key: str
    title: str
    template: str
    build: Callable[[HttpRequest, date], HomeContent | None]
    empty: str
    order: int = 100
    icon: str = "bi-list-check"
    wide: bool = False  # a full-width row (charts) instead of half
    scripts: tuple[str, ...] = ()  # static paths the section's template needs (ECharts is always loaded)


@dataclass(frozen=True)
class ShownSection:
    section: HomeSection
    content: HomeContent

    @property
    def is_empty(self) -> bool:
        return self.content.count == 0


_SECTIONS: dict[str, HomeSection] = {}


def register(section: HomeSection) -> HomeSection:
    """Add (or replace, on a reload) a section of the home page."""
    _SECTIONS[section.key] = section
    return section


def registered() -> list[HomeSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def sections_for(request: HttpRequest, today: date) -> list[ShownSection]:
    """The sections that concern the requesting person, in order, each with its content."""
    shown = []
    for section in registered():
        content = section.build(request, today)
        if content is not None:
            shown.append(ShownSection(section, content))
    return shown
