"""Panels an app adds to a page it does not own (the ground floor knows no domain app): the page names a place
and its record, `{% panels "portal.point" point %}`; each app registers a build function for a place from its
`AppConfig.ready()` (`honours` adds the awarded honours to the portal's service-point page and to the window
page). A build function answers the panel's HTML, or "" when it has nothing to show."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

Build = Callable[[object, object], str]  # (request, record) → HTML

PANELS: dict[str, dict[str, Build]] = defaultdict(dict)


def register(place: str, key: str, build: Build) -> None:
    """Idempotent per (place, key): a second registration replaces the first."""
    PANELS[place][key] = build


def render(place: str, request, record) -> SafeString:
    return mark_safe("".join(build(request, record) or "" for build in PANELS.get(place, {}).values()))
