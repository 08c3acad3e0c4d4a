"""October 2026 at the personas' county, built through the real case services (back-dated with `acting_on`):

    A  food, centre A01, accepted Mon 12 Oct, decided 14 Oct (on time), delivered 15 Oct
    B  food, centre A01, accepted 12 Oct (due 19 Oct), decided 30 Oct: late by 9 working days
    C  food, centre A01, accepted 12 Oct (due 19 Oct), still in review: 9 working days late at the month's end
    D  drain, 城关镇 window CG01 (delegated), accepted Tue 13 Oct (due 20 Oct), still open: 8 days at the end
    E  food, centre A01, accepted Mon 26 Oct (due 2 Nov), decided 28 Oct (on time)

Figures worked out by hand from the calendar (10 Oct 2026 is a make-up Saturday, 31 Oct a Saturday).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tongban.cases.tests.conftest import (  # noqa: F401  (fixtures)
    applicant,
    case_people,
    person_applicant,
    receive,
    restaurant,
)

MATERIALS = {"food": {"business_licence": "received", "layout_plan": "received", "health_cert": "received"},
             "drain": {"drain_plan": "received"}}


@dataclass
class October:
    a: object
    b: object
    c: object
    d: object
    e: object


@pytest.fixture
def october(county, personas, case_people, restaurant):  # noqa: F811
    from tongban.catalog import services as catalog
    from tongban.cases.services import delivery, intake, review
    from tongban.cases.services.common import acting_on

    catalog.delegate_item(restaurant.drain, to=[county.township_a], mode="entrusted")

    def take(day: date, item, clerk=case_people.clerk, window=county.intake_window):
        materials = MATERIALS["drain" if item == restaurant.drain else "food"]
        with acting_on(day):
            case = intake.receive_case(by=clerk, window=window, item=item, applicant=person_applicant(),
                                       materials=materials)
            return intake.accept(case, by=clerk)

    def decide(case, day: date):
        with acting_on(day):
            task = case.tasks.get()
            return review.approve(case, by=case_people.samr_reviewer, task=task, reason="符合条件")

    a = decide(take(date(2026, 10, 12), restaurant.food), date(2026, 10, 14))
    with acting_on(date(2026, 10, 15)):
        a = delivery.deliver(a, by=personas.director, method="paper", licence_number="JY0001")
    b = decide(take(date(2026, 10, 12), restaurant.food), date(2026, 10, 30))
    c = take(date(2026, 10, 12), restaurant.food)
    d = take(date(2026, 10, 13), restaurant.drain, clerk=case_people.township_clerk, window=county.township_window)
    e = decide(take(date(2026, 10, 26), restaurant.food), date(2026, 10, 28))
    return October(a, b, c, d, e)


@pytest.fixture
def accepted(county, case_people, restaurant):
    """accepted(day, item=…) → a single-item case received and accepted at A01 on `day`."""
    from tongban.cases.services import intake
    from tongban.cases.services.common import acting_on

    def make(day: date, item=None, **kw):
        item = item or restaurant.food
        with acting_on(day):
            case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=item,
                                       applicant=person_applicant(), materials=None)
            materials = {m.identity.code: "received" for m in case.materials.select_related("identity")}
            intake.apply_materials(case, materials)
            return intake.accept(case, by=case_people.clerk)

    return make
