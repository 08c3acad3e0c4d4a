"""Issue on approval, 免提交 at intake (own, valid, the right kind only), revoke, expiry and reminders."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from tongban.cases.choices import MaterialState
from tongban.licences import selectors, services
from tongban.licences.choices import LicenceStatus
from tongban.licences.models import Licence, LicenceUse
from tongban.licences.tests.conftest import ORG_CODE, OTHER_CODE

pytestmark = pytest.mark.django_db


def approve_company(receive_item, restaurant, case_people):
    from tongban.cases.services import intake, review

    case = receive_item(restaurant.company)
    case = intake.accept(case, by=case_people.clerk)
    task = case.tasks.get()
    return review.approve(case, by=case_people.samr_reviewer, task=task, reason="符合条件")


def test_an_approved_case_becomes_a_licence_of_the_applicant(receive_item, restaurant, case_people, county):
    case = approve_company(receive_item, restaurant, case_people)

    licence = Licence.objects.get(case=case)
    assert (licence.kind.code, licence.holder_id, licence.holder_name) == ("business_licence", ORG_CODE, case.applicant_name)
    assert licence.unit == county.department and licence.status == LicenceStatus.VALID
    assert licence.issued_on == case.decided_on and licence.valid_until > licence.issued_on
    # idempotent: deciding again (a re-sent hook) issues nothing more
    assert services.issue_for_case(case) == [] and Licence.objects.count() == 1


def test_a_typed_result_number_another_licence_holds_does_not_fail_the_approval(receive_item, restaurant, case_people):
    from tongban.cases.services import intake, review

    numbers = []
    for _ in range(2):
        case = intake.accept(receive_item(restaurant.company), by=case_people.clerk)
        case = review.approve(case, by=case_people.samr_reviewer, task=case.tasks.get(), reason="符合条件",
                              result_number="YZ001")
        assert case.status == "ready"
        numbers.append(Licence.objects.get(case=case).number)
    assert numbers[0] == "YZ001" and numbers[1].startswith("DZ") and numbers[1] != numbers[0]


def test_a_denied_case_issues_no_licence(receive_item, restaurant, case_people):
    from tongban.cases.services import intake, review

    case = intake.accept(receive_item(restaurant.company), by=case_people.clerk)
    review.deny(case, by=case_people.samr_reviewer, task=case.tasks.get(), reason="不符合条件")
    assert not Licence.objects.exists()


def test_the_clerk_is_offered_only_the_applicants_own_valid_licences(food_case, make_licence):
    own = make_licence()
    make_licence(holder_id=OTHER_CODE, number="DZ-OTHER")
    make_licence(number="DZ-REVOKED", status=LicenceStatus.REVOKED)
    make_licence(number="DZ-OLD", valid_until=date.today() - timedelta(days=1))

    offers = selectors.offers_for_case(food_case)

    assert [(o.material.identity.code, [lic.number for lic in o.licences]) for o in offers] == [
        ("business_licence", [own.number])]


def test_a_ticked_licence_stands_in_for_the_material(food_case, make_licence, case_people):
    licence = make_licence()
    material = food_case.materials.get(identity__code="business_licence")

    services.use_licences(food_case, {material.pk: licence.pk}, by=case_people.clerk)

    material.refresh_from_db()
    assert material.state == MaterialState.ELECTRONIC
    assert LicenceUse.objects.get(case=food_case).licence == licence
    assert food_case.events.filter(code="case.licences_used").exists()
    # and taken back: the material is missing again, the record gone
    services.use_licences(food_case, {material.pk: None}, by=case_people.clerk)
    material.refresh_from_db()
    assert material.state == MaterialState.MISSING and not LicenceUse.objects.exists()


def test_another_holders_licence_is_refused(food_case, make_licence, case_people):
    other = make_licence(holder_id=OTHER_CODE, number="DZ-OTHER")
    material = food_case.materials.get(identity__code="business_licence")

    with pytest.raises(ValidationError) as refused:
        services.use_licences(food_case, {material.pk: other.pk}, by=case_people.clerk)

    assert refused.value.code == "licence_other_holder"
    material.refresh_from_db()
    assert material.state == MaterialState.MISSING and not LicenceUse.objects.exists()


def test_a_revoked_licence_is_refused(food_case, make_licence, case_people, personas):
    licence = make_licence()
    services.revoke(licence, by=personas.director, reason="吊销")
    material = food_case.materials.get(identity__code="business_licence")

    with pytest.raises(ValidationError) as refused:
        services.use_licences(food_case, {material.pk: licence.pk}, by=case_people.clerk)

    assert refused.value.code == "licence_not_valid" and "已注销" in refused.value.messages[0]


def test_an_expired_licence_is_refused(food_case, make_licence, case_people):
    licence = make_licence(valid_until=date.today() - timedelta(days=1))
    material = food_case.materials.get(identity__code="business_licence")

    with pytest.raises(ValidationError) as refused:
        services.use_licences(food_case, {material.pk: licence.pk}, by=case_people.clerk)
    assert refused.value.code == "licence_not_valid"


def test_licences_are_used_only_before_acceptance(food_case, make_licence, case_people):
    from tongban.cases.services import intake

    licence = make_licence()
    material = food_case.materials.get(identity__code="business_licence")
    services.use_licences(food_case, {material.pk: licence.pk}, by=case_people.clerk)
    case = intake.accept(food_case, by=case_people.clerk)

    with pytest.raises(ValidationError) as refused:
        services.use_licences(case, {material.pk: None}, by=case_people.clerk)
    assert refused.value.code == "licence_case_closed"


def test_expiry_job_expires_and_reminds_once(make_licence, county, personas, food_case):
    from tongban.notifications.models import Notification

    today = date.today()
    soon = make_licence(number="DZ-SOON", valid_until=today + timedelta(days=10))
    past = make_licence(number="DZ-PAST", valid_until=today - timedelta(days=1))
    make_licence(number="DZ-LATER", valid_until=today + timedelta(days=300))

    assert services.expire_due(today) == 1
    with _on_commit():
        first = services.remind_expiring(today)
        second = services.remind_expiring(today)

    past.refresh_from_db(), soon.refresh_from_db()
    assert past.status == LicenceStatus.EXPIRED and soon.reminded_for == soon.valid_until
    assert first == {"licences_reminded": 1} and second == {"licences_reminded": 0}
    # the holder's open case (food_case, at A01) hears of it, as does nobody twice
    assert Notification.objects.filter(code="licences.expiring_case", recipient=personas.window_clerk).count() == 1


class _on_commit:
    """Run on_commit callbacks inside the test transaction."""

    def __enter__(self):
        from django.test import TestCase

        self._ctx = TestCase.captureOnCommitCallbacks(execute=True)
        return self._ctx.__enter__()

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def test_the_bundle_arithmetic_counts_electronic_licences_as_not_to_be_brought(restaurant):
    from tongban.catalog.bundles import bundle_figures

    figures = bundle_figures(restaurant.bundle)  # 身份证 is accepted as an electronic licence by its one item
    assert figures.materials_electronic == 1
    assert figures.materials_to_bring == figures.materials_merged - 1


def test_a_licence_may_stand_in_while_the_case_waits_for_correction(food_case, make_licence, case_people):
    from tongban.cases.choices import CaseStatus
    from tongban.cases.services import intake

    case = intake.notify_correction(food_case, by=case_people.clerk)
    assert case.status == CaseStatus.CORRECTING
    material = case.materials.get(identity__code="business_licence")
    services.use_licences(case, {material.pk: make_licence().pk}, by=case_people.clerk)
    material.refresh_from_db()
    assert material.state == MaterialState.ELECTRONIC
