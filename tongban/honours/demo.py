"""Demo 评优 for `tongban demo` (after the assessment, feedback and staffing demos: it reads their records): the
three seeded kinds and one the centre added (红旗窗口, for windows), eligibility recorded for the window staff
(every other person a party member, every third a woman), and last month decided for 服务标兵 and 红旗窗口 — the best
candidates nominated by 整改办 (zhenggai) with the figures as the reason, the first ones awarded and the last one
not by 中心领导 (zhuren). Repeatable: a period with nominations is left as it is."""
from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from tongban.honours import selectors, services
from tongban.honours.defaults import ensure_kinds
from tongban.honours.models import Honour, HonourKind, StaffTraits
from tongban.honours.periods import HonourPeriod
from tongban.org.models import Staff


def build_demo(county) -> str:
    kinds = ensure_kinds()
    office, leader = county.users.get("zhenggai"), county.users.get("zhuren")
    if office is None or leader is None:
        return "评优：缺少演示账号 zhenggai / zhuren"
    people = list(Staff.objects.filter(is_active=True, window__isnull=False).order_by("staff_no"))
    known = set(StaffTraits.objects.values_list("staff_id", flat=True))
    for n, person in enumerate(people):
        if person.pk not in known:
            services.set_traits(person, party_member=n % 2 == 0, female=n % 3 == 0, by=office)
    red_flag, _ = HonourKind.objects.get_or_create(code="red-flag", defaults={
        "name": "红旗窗口", "period": "monthly", "places": 2, "subject": "window", "min_score": Decimal("90"),
        "min_ratings": 1, "sort_order": 40, "basis": "本中心评选办法（演示：中心自行增加的评优项目）"})
    said = []
    for kind in (kinds["service-star"], red_flag):
        period = HonourPeriod.of(kind.period, timezone.localdate()).previous()
        if not Honour.objects.filter(kind=kind, period_start=period.first).exists():
            _decide_period(kind, period, office, leader)
        done = Honour.objects.filter(kind=kind, period_start=period.first)
        said.append(f"{period.label}{kind.name}提名 {done.count()} 个、授予 {done.filter(status='awarded').count()} 个")
    return f"评优：{'；'.join(said)}；登记评优资格 {StaffTraits.objects.count()} 人"


def _decide_period(kind, period, office, leader) -> None:
    chosen = [c for c in selectors.candidates(kind, period) if c.eligible][:kind.places]
    for n, candidate in enumerate(chosen):
        honour = services.nominate(kind, period, subject=candidate.subject, by=office,
                                   reason=f"{candidate.summary()}，符合{kind.name}各项条件，推荐。")
        last = n == len(chosen) - 1 and len(chosen) > 1
        services.decide(honour, award=not last, by=leader,
                        note="本期名额优先一线综合窗口，下期再议。" if last else "经中心主任办公会研究，同意授予。")
