"""`{% licence_offer_count case as n %}` for the case page: how many of the case's materials the applicant's own
valid licences could stand in for and none does yet (one query, and none once the case is accepted)."""
from django import template

register = template.Library()


@register.simple_tag
def licence_offer_count(case) -> int:
    from tongban.licences.selectors import open_offer_count

    return open_offer_count(case)
