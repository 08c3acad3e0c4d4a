"""`{% licence_offer_count case as n %}` for the case page: how many of the case's materials the applicant's own
valid licences could stand in for and none does yet (one query, and none once the case is accepted).
`{% intake_licence_offers checklist applicant %}` for 收件登记: the applicant's valid licences per material that
accepts one, as radios `l_<code>` inside the intake form (the same fragment `/licences/intake-offers/` answers
when the ID number changes)."""
from django import template

register = template.Library()


@register.simple_tag
def licence_offer_count(case) -> int:
    from tongban.licences.selectors import open_offer_count

    return open_offer_count(case)


@register.inclusion_tag("licences/_intake_offers.html")
def intake_licence_offers(checklist, applicant) -> dict:
    """`checklist`, `applicant`: the intake page's ChecklistForm and ApplicantForm (bound after a post)."""
    from tongban.core.text import parse_int
    from tongban.licences.selectors import offers_at_intake

    data = checklist.data if checklist.is_bound else {}
    materials = checklist.accepts_licences()
    chosen = {m["identity"].code: parse_int(data.get(f"l_{m['identity'].code}"), min=1) for m in materials}
    holder = applicant.data.get("id_number", "") if applicant.is_bound else ""
    errors = [e for m in materials for e in checklist.errors.get(f"l_{m['identity'].code}", [])]
    return {"offers": offers_at_intake(materials, holder, chosen), "holder": holder, "errors": errors}

