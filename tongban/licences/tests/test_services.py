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


# --- 决定后自动签章 ------------------------------------------------------------------------------------------

def decide_through_the_case(receive_item, restaurant, case_people, capture):
    """The real approval path at the counter and the department, committed (the seal runs after the commit)."""
    from tongban.cases.services import intake, review

    case = intake.accept(receive_item(restaurant.company), by=case_people.clerk)
    with capture(execute=True):
        case = review.approve(case, by=case_people.samr_reviewer, task=case.tasks.get(), reason="符合条件")
    return case


def test_a_seal_that_fails_keeps_the_approval_and_is_sealed_on_retry(
        receive_item, restaurant, case_people, settings, tmp_path, sealing_on, huey_immediate,
        django_capture_on_commit_callbacks):
    """The seal runs after the decision's commit: without a certificate the approval stands, the licence waits
    (待签章, with the reason); once the certificate is there the retry seals the licence and the 决定书, and a
    second run does nothing."""
    from datetime import timedelta

    from django.utils import timezone

    from tongban.licences import sealing
    from tongban.licences.models import SealedDocument, SealRequest

    settings.SEAL_CERT = str(tmp_path / "not-installed.p12")
    case = decide_through_the_case(receive_item, restaurant, case_people, django_capture_on_commit_callbacks)

    assert case.status == "ready" and case.decision == "approved"
    licence = Licence.objects.get(case=case)
    assert not licence.document
    waiting = {r.kind: r for r in SealRequest.objects.filter(case=case)}
    assert set(waiting) == {"licence", "decision"} and waiting["licence"].licence == licence
    assert all(r.attempts == 1 and "未配置电子印章证书" in r.problem and r.sealed_at is None for r in waiting.values())
    assert waiting["licence"].next_attempt_at > timezone.now()

    settings.SEAL_CERT = str(sealing_on)
    later = timezone.now() + timedelta(hours=1)
    assert services.seal_pending(now=later) == {"sealed": 2, "seal_failed": 0}

    licence.refresh_from_db()
    assert sealing.provider().verify(licence.document.open("rb").read()).ok
    assert set(SealedDocument.objects.filter(case=case).values_list("kind", flat=True)) == {"licence", "decision"}
    assert not SealRequest.objects.filter(sealed_at__isnull=True).exists()
    assert services.seal_pending(now=later + timedelta(hours=1)) == {"sealed": 0, "seal_failed": 0}
    assert SealedDocument.objects.count() == 2


def test_a_denial_asks_for_its_decision_only_and_a_seal_by_hand_fulfils_the_request(
        receive_item, restaurant, case_people, sealing_on):
    """不予许可 issues no licence but its 决定书 is sealed too; sealing it by hand first leaves the worker
    nothing to seal twice."""
    from tongban.cases.services import intake, review
    from tongban.licences.models import SealedDocument, SealRequest
    from tongban.licences.tests.test_sealing import blank_pdf

    case = intake.accept(receive_item(restaurant.company), by=case_people.clerk)
    review.deny(case, by=case_people.samr_reviewer, task=case.tasks.get(), reason="不符合条件")
    request = SealRequest.objects.get(case=case)
    assert request.kind == "decision" and request.licence is None

    services.seal_notice(case, "decision", pdf=blank_pdf(), by=case_people.clerk)

    request.refresh_from_db()
    assert request.sealed_at is not None and request.document.kind == "decision"
    assert services.seal_pending() == {"sealed": 0, "seal_failed": 0} and SealedDocument.objects.count() == 1


# --- 收件登记时勾选电子证照 -----------------------------------------------------------------------------------

def test_the_licence_ticked_at_intake_stands_in_and_the_case_records_it(
        receive_item, restaurant, food_accepts_licence, make_licence, case_people):
    own = make_licence()

    case = receive_item(restaurant.food, {"business_licence": "missing"}, licences={"business_licence": own.pk})

    material = case.materials.get(identity__code="business_licence")
    assert material.state == MaterialState.ELECTRONIC
    use = LicenceUse.objects.get(case=case)
    assert (use.material, use.licence, use.used_by) == (material, own, case_people.clerk)
    assert case.events.filter(code="case.licences_used", message__contains=own.number).exists()
    from tongban.history.models import DomainEvent

    assert case.number in DomainEvent.objects.get(code="licences.used").message  # the case's number, not a draft's


def test_another_holders_licence_at_intake_refuses_the_whole_intake(
        receive_item, restaurant, food_accepts_licence, make_licence):
    from tongban.cases.models import Case

    other = make_licence(holder_id=OTHER_CODE, number="DZ-OTHER")

    with pytest.raises(ValidationError) as refused:
        receive_item(restaurant.food, licences={"business_licence": other.pk})

    assert refused.value.code == "licence_other_holder"
    assert not Case.objects.exists() and not LicenceUse.objects.exists()
