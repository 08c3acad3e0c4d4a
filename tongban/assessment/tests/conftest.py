"""October 2025 at the personas' county: one case accepted 26 Sep at A01 and left in review; the supervision
job run on 26 Sep and 9 Oct carded it (the centre's promised clock and the department's task clock) and raised
督办单 — so the department (a window unit) has automatic items to score, from real records."""
from __future__ import annotations

from datetime import date

import pytest

from tongban.cases.tests.conftest import applicant, case_people, person_applicant, receive, restaurant  # noqa: F401
from tongban.supervision.tests.conftest import accepted  # noqa: F401

OCTOBER = date(2025, 10, 1)


@pytest.fixture
def scheme(db):
    from tongban.assessment.demo import ensure_scheme

    return ensure_scheme(date(2025, 1, 1))


@pytest.fixture
def carded(accepted, county, personas):  # noqa: F811
    from tongban.supervision import services

    case = accepted(date(2025, 9, 26))
    for day in (date(2025, 9, 26), date(2025, 10, 9), date(2025, 10, 20)):
        services.daily(day)
    return case


@pytest.fixture
def scored(carded, scheme, personas):
    from tongban.assessment import services
    from tongban.supervision.reports import Month

    assessment, _ = services.score_month(Month.of(OCTOBER), date(2025, 11, 3), by=personas.rectification_office)
    return assessment
