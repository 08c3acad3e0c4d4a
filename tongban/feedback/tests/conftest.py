"""Feedback fixtures over the personas' test county: closed cases made directly (the smallest data a rating
or a callback needs — the case flow itself is tested in cases), a unit clerk to answer."""
from __future__ import annotations

from datetime import date, timedelta
from itertools import count

import pytest
from django.utils import timezone

from tongban.conftest import PASSWORD  # noqa: F401

_numbers = count(1)


@pytest.fixture
def service_item(county):
    from tongban.catalog.tests.helpers import make_item

    return make_item("F-1", county.department, name="食品经营许可", days=5, materials=[])


@pytest.fixture
def make_case(county, service_item):
    from tongban.cases import reach
    from tongban.cases.models import Case

    def make(*, window=None, closed_on=None, id_number="", phone="13800001234", name="李四", status="closed", **kw):
        window = window or county.intake_window
        closed_on = closed_on if closed_on is not None else timezone.localdate() - timedelta(days=1)
        n = next(_numbers)
        case = Case.objects.create(
            number=f"T{date.today():%Y%m%d}{n:05d}", item=service_item, title="食品经营许可",
            applicant_kind="person", applicant_name=name, id_number=id_number or f"1101051949123{n:05d}",
            phone=phone, intake_window=window, intake_unit=window.unit, received_on=closed_on - timedelta(days=3),
            status=status, closed_on=closed_on if status == "closed" else None, **kw)
        reach.sync([case.pk])  # the units that see it, as the intake service writes them
        return case

    return make


@pytest.fixture
def unit_clerk(county, personas):
    """A person of the department a 差评 is 交办 to (plain staff: their own unit)."""
    from tongban.org import services as org

    return org.create_staff(staff_no="samr1", name="吴承办", unit=county.department, role="staff",
                            username="samr1", password=PASSWORD).user
