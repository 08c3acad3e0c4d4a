"""October 2025 at the personas' county, built through the real services: the month scored by the assessment,
ratings of cases received by named people, an upheld complaint, a late arrival from the attendance machine.

    B01 市场监管专业窗口 (县市场监管局, assessed)   郑标兵 — two 非常满意, party member
                                                    冯迟到 — one late arrival (09:20)
    CG01 城关镇综合窗口 (城关镇, assessed)          陈差评 — one 不满意; 卫投诉 — one upheld complaint
    WC01 王村乡综合窗口 (王村乡, assessed)          褚乡镇 — nothing against her, female
    A01 综合受理一号窗 (the centre, not assessed)   赵窗口 (persona) — no score sheet
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tongban.feedback.tests.conftest import make_case, service_item  # noqa: F401

OCTOBER = date(2025, 10, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2025, 10, day, hour, tzinfo=SHANGHAI)


@dataclass
class Hall:
    star: object
    late: object
    bad: object
    complained: object
    wangcun: object
    wangcun_window: object
    bad_rating: object
    complaint: object
    kinds: dict


@pytest.fixture
def hall(county, personas, make_case):  # noqa: F811
    from tongban.assessment import services as assessment
    from tongban.assessment.demo import ensure_scheme
    from tongban.feedback import services as feedback
    from tongban.honours import services
    from tongban.honours.defaults import ensure_kinds
    from tongban.org import services as org
    from tongban.staffing import importing
    from tongban.supervision.reports import Month

    def person(no, name, window, **kw):
        return org.create_staff(staff_no=no, name=name, unit=window.unit, role="window_clerk", window=window,
                                username=no, password="x", **kw)

    wangcun_window = org.create_window(code="WC01", name="王村乡综合窗口", kind="intake", unit=county.township_b)
    star = person("star", "郑标兵", county.specialist_window)
    late = person("late", "冯迟到", county.specialist_window)
    bad = person("bad", "陈差评", county.township_window)
    complained = person("complained", "卫投诉", county.township_window)
    wangcun = person("wangcun", "褚乡镇", wangcun_window)
    for staff, day in ((star, 9), (star, 10)):
        case = make_case(window=county.specialist_window, closed_on=date(2025, 10, day), received_by=star.user)
        feedback.rate(case, level=5, channel="window", now=at(day))
    case = make_case(window=county.township_window, closed_on=date(2025, 10, 14), received_by=bad.user)
    bad_rating = feedback.rate(case, level=2, channel="window", tags=["attitude"], now=at(14))
    case = make_case(window=county.township_window, closed_on=date(2025, 10, 15), received_by=complained.user)
    complaint = feedback.submit_complaint(title="窗口人员推诿", content="要求清单外材料", anonymous=True, case=case,
                                          now=at(16))
    feedback.assign(complaint, classification="fix_now", unit=county.township_a, by=personas.rectification_office,
                    today=date(2025, 10, 16))
    csv = "工号,姓名,日期,时间\nlate,冯迟到,2025-10-20,09:20\nlate,冯迟到,2025-10-20,17:30\n"
    importing.import_attendance(csv.encode(), name="考勤.csv")
    ensure_scheme(date(2025, 1, 1))
    assessment.score_month(Month.of(OCTOBER), date(2025, 11, 3), by=personas.rectification_office)
    services.set_traits(star, party_member=True, female=False, by=personas.rectification_office)
    services.set_traits(wangcun, party_member=False, female=True, by=personas.rectification_office)
    return Hall(star, late, bad, complained, wangcun, wangcun_window, bad_rating, complaint, ensure_kinds())
