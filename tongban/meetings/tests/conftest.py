"""Leaders for 领导坐班 beside the shared personas: the director (centre, in charge of nothing: the whole centre),
a deputy in charge of 市场准入股, and the leader of the stationed 县市场监管局 (a leader from a stationed unit)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from tongban.cases.tests.conftest import case_people, restaurant  # noqa: F401  (fixtures)
from tongban.conftest import PASSWORD
from tongban.supervision.tests.conftest import accepted  # noqa: F401  (fixture)

DAY = date(2026, 11, 23)  # a Monday, a working day


@dataclass
class Leaders:
    director: object  # Staff
    deputy: object
    samr: object


@pytest.fixture
def leaders(county, personas) -> Leaders:
    from tongban.org import services

    deputy = services.create_staff(staff_no="deputy", name="钱副主任", unit=county.center, role="center_leader",
                                   is_leader=True, units_in_charge=[county.section], username="deputy",
                                   password=PASSWORD)
    samr = services.create_staff(staff_no="samr-leader", name="吴局长", unit=county.department, role="unit_head",
                                 is_leader=True, username="samr-leader", password=PASSWORD)
    return Leaders(personas.director.staff, deputy, samr)


@pytest.fixture
def overdue_measure(county, personas):
    """A measure of 市场准入股 due 2026-11-13 and still open: overdue on DAY."""
    from tongban.rectification.choices import SourceKind
    from tongban.rectification.services import create_measure

    return create_measure(text="规范窗口收件", lead_unit=county.section, source_kind=SourceKind.OVERDUE_CASE,
                          deadline=date(2026, 11, 13), by=personas.rectification_office)
