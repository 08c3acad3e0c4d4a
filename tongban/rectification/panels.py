"""Panels other apps add to the 整改总览 (every source of the one loop side by side, ROADMAP X1), registered
from their AppConfig.ready(), so this app never imports the apps above it (feedback, supervision …)."""
from __future__ import annotations

from datetime import date
from typing import Callable

_PANELS: dict[str, tuple[str, Callable]] = {}


def register(key: str, template: str, build: Callable[[object, date], dict | None]) -> None:
    """`build(request, today)` returns the panel's context, or None when it does not concern the reader."""
    _PANELS[key] = (template, build)


def panels_for(request, today: date) -> list[tuple[str, dict]]:
    shown = []
    for key in sorted(_PANELS):
        template, build = _PANELS[key]
        context = build(request, today)
        if context is not None:
            shown.append((template, context))
    return shown
