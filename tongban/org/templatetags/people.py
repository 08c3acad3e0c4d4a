from django import template

from tongban.org.people import person_name as _person_name

register = template.Library()


@register.filter
def person_name(user, default: str = "系统") -> str:
    """`{{ measure.verified_by|person_name }}`: the person's name (see tongban.org.people)."""
    return _person_name(user, default=default)
