"""`{% load files %}{% if name|opens_inline %}`: whether a stored file can be opened in the browser (PDF, images)."""
from django import template

from tongban.core.files import opens_inline as _opens_inline

register = template.Library()


@register.filter
def opens_inline(name: str) -> bool:
    return _opens_inline(name)
