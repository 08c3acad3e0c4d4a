"""Which site a unit belongs to: the one roll-up of village points and outlets to their township.

A site is the county centre, a sub-centre or a township (seed 000: "县乡两级及两个分中心"); every unit belongs to the
nearest site at or above it on the unit tree, else to the county centre. The supervision duty page's 今日收件与办结
and the 渠道与网点 page's township totals both roll up through this one function, so they agree."""
from __future__ import annotations

from django.db.models import Q

from tongban.org.models import Unit

SITE_KINDS = ("sub_center", "township")
CENTRE_KIND = "center"


def site_of_units() -> tuple[dict[int, int], dict[int, Unit]]:
    """({unit id: its site's id}, {site id: site}), from the materialised paths of the few hundred units, in one
    query."""
    units = {u.pk: u for u in Unit.objects.select_related("kind").only("pk", "code", "name", "path", "kind__code",
                                                                      "kind__name", "sort_order")}
    centre = next((u for u in sorted(units.values(), key=lambda u: u.path) if u.kind.code == CENTRE_KIND), None)
    sites: dict[int, Unit] = {centre.pk: centre} if centre else {}
    site_of: dict[int, int] = {}
    for unit in units.values():
        chain = [int(part) for part in unit.path.strip("/").split("/") if part]
        site = next((pk for pk in reversed(chain) if pk in units and units[pk].kind.code in SITE_KINDS), None)
        if site is None:
            site = centre.pk if centre else unit.pk
        sites[site] = units[site]
        site_of[unit.pk] = site
    return site_of, sites


def under_point_q(point: Unit, path: str = "unit") -> Q:
    """Records (`path` leads to their unit) of the units under the service point `point`, except those under
    another service point nested in it: a village point's or a township's windows and honours are on its own
    page, not on the hall above it. The one rule of the portal's hall page (windows) and honours' hall panel."""
    nested = Unit.objects.filter(kind__is_service_point=True, path__startswith=point.path).exclude(pk=point.pk)
    q = Q(**{f"{path}__path__startswith": point.path})
    for inner in nested.values_list("path", flat=True):
        q &= ~Q(**{f"{path}__path__startswith": inner})
    return q
