"""Archive fixtures: the cases' test county (restaurant items, case people), a company case accepted at A01,
closed after review and delivery; files go to a fresh MEDIA_ROOT per test."""
from __future__ import annotations

import pytest

from tongban.cases.tests.conftest import case_people, person_applicant, restaurant  # noqa: F401


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def signature_png():
    from tongban.archives.demo import demo_signature_png

    return demo_signature_png()


@pytest.fixture
def accept_case(county, restaurant, case_people):
    """A 营业执照 case of a person, accepted at A01."""
    from tongban.cases.services import intake

    def make():
        case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.company,
                                   applicant=person_applicant(), materials={
                                       "application_form": "received", "id_card": "received", "premises_proof": "received"})
        return intake.accept(case, by=case_people.clerk)

    return make


@pytest.fixture
def close_case(accept_case, case_people):
    """…approved by 县市场监管局 and handed over at the delivery window: 已办结."""
    from tongban.cases.services import delivery, review

    def make():
        case = accept_case()
        case = review.approve(case, by=case_people.samr_reviewer, task=case.tasks.get(), reason="符合条件",
                              result_number="YZ001")
        return delivery.deliver(case, by=case_people.delivery_clerk, method="paper", licence_number="YZ001")

    return make
