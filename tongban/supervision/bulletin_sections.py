"""The engine's part of the 电子监察月通报 (bulletin.register_section): the month's yellow and red cards by
unit, and its 督办单 with their answers — from the same selectors as the 督办 pages and the API."""
from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from tongban.supervision.bulletin import Section, register_section
from tongban.supervision.choices import UrgeStatus
from tongban.supervision.models import Urge
from tongban.supervision.reports import Month
from tongban.supervision.selectors import card_counts_by_unit


def cards_and_orders(month: Month, figures: dict, today: date) -> Section:
    units = card_counts_by_unit(month.first)
    yellow, red = sum(u["yellow"] for u in units), sum(u["red"] for u in units)
    orders = Urge.objects.filter(issued_on__range=(month.first, month.last)).aggregate(
        issued=Count("pk"), replied=Count("pk", filter=Q(status=UrgeStatus.REPLIED)),
        escalated=Count("pk", filter=Q(level__gt=0)))
    if not (yellow or red or orders["issued"]):
        return Section("亮牌与督办情况", ["当月没有办件亮牌，未发出督办单。"])
    opening = (f"当月电子监察亮黄牌{yellow}张、红牌{red}张；发出督办单{orders['issued']}件，已答复{orders['replied']}件，"
               f"逾期未答复升级{orders['escalated']}件。请亮牌单位对照督办单逐件说明原因、限期整改。")
    return Section("亮牌与督办情况", [opening], table=(
        ["单位", "黄牌", "红牌"], [[u["unit"], str(u["yellow"]), str(u["red"])] for u in units], [96, 30, 30]))


register_section("cards_and_orders", cards_and_orders)
