"""`{% load text %}{{ measure.text|shorten:48 }}`: a long text cut at a natural break and ended with "…"."""
from django import template

from tongban.core.text import shorten as _shorten

register = template.Library()


@register.filter
def shorten(text, limit: int = 40) -> str:
    return _shorten(str(text or ""), int(limit))
