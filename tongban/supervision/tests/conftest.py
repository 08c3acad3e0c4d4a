"""Supervision fixtures: the cases app's restaurant county (built with the real services) and helpers to
accept a case on a given day."""
from __future__ import annotations

from datetime import date

import pytest

from tongban.cases.tests.conftest import (  # noqa: F401  (fixtures)
    applicant,
    case_people,
    person_applicant,
    receive,
    restaurant,
)


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
