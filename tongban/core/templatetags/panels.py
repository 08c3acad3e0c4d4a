"""{% panels "place" record %}: the panels other apps registered for this place (core.panels)."""
from django import template

from tongban.core import panels as registry

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context, place: str, record):
    return registry.render(place, context.get("request"), record)
