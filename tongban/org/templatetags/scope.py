"""Links that never lead to a 404: `{% load scope %}{% link_if_visible item %}` (or `… item item.name`)
renders a link when the reader may open the record (asked of the scope layer, `scopes.can_open`) and the
name alone otherwise — a township admin sees the county item delegated to them, but is not sent to a page
they may not open."""
from django import template
from django.utils.html import format_html

from tongban.org.scopes import can_open

register = template.Library()


@register.simple_tag(takes_context=True)
def link_if_visible(context, obj, label=None, url=None):
    if obj is None:
        return ""
    text = obj if label is None else label
    request = context.get("request")
    if request is not None and can_open(request.user, obj):
        return format_html('<a href="{}">{}</a>', url or obj.get_absolute_url(), text)
    return format_html('<span class="unlinked">{}</span>', text)


@register.filter
def openable_by(obj, user) -> bool:
    """`{% if unit|openable_by:request.user %}` for the places that need more than a plain link."""
    return can_open(user, obj)
