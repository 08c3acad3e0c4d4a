"""The awarded honours where the public and the staff see them (core.panels): the portal's service-point page
(the hall), the staff's window page and the public window page."""
from __future__ import annotations

from django.template.loader import render_to_string

from tongban.honours import selectors

SHOWN = 30  # the newest honours a hall shows: about a year of three kinds' places


def hall(request, point) -> str:
    honours = list(selectors.awarded_at_point(point)[:SHOWN])
    return render_to_string("honours/_public_honours.html", {
        "honours": honours, "heading": "评优表彰", "panel_id": "point-honours", "show_unit": True})


def window(request, window) -> str:
    honours = list(selectors.awarded_at_window(window)[:24])
    return render_to_string("honours/_public_honours.html", {
        "honours": honours, "heading": "本窗口荣誉", "panel_id": "window-honours", "show_unit": False, "card": True})


def register() -> None:
    from tongban.core import panels

    panels.register("portal.point", "honours", hall)
    panels.register("org.window", "honours", window)
    panels.register("portal.window", "honours", window)  # the public window page (窗口公示)
