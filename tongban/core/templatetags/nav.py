"""`{% load nav %}{% nav_url 'cases:list' %}`: the path of a URL that takes no arguments, reversed once per
process (per URLconf and script prefix) instead of on every page. base.html names about forty of them, and
`reverse()` walks the resolver each time: a few milliseconds of every logged-in page (issue 10, docs/performance.md).
Same result as `{% url %}` for names without arguments; `{% nav_url 'home' as home_url %}` works too."""
from __future__ import annotations

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_REVERSED: dict[tuple[object, str, str], str] = {}


@register.simple_tag
def nav_url(name: str) -> str:
    key = (get_urlconf(), get_script_prefix(), name)
    path = _REVERSED.get(key)
    if path is None:
        path = _REVERSED[key] = reverse(name)
    return path
