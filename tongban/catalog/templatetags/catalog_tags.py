from django import template

register = template.Library()


@register.filter
def percent_of(part, whole) -> int:
    return round(part * 100 / whole) if whole else 0
