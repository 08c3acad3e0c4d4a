"""The case services through the real path: intake → 一次性告知 → 受理 / 容缺 → parallel review → decision →
delivery; dates are fixed with time-machine (2026-12-01 is a Tuesday; 2027 calendar per the State Council)."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tongban.cases.choices import CaseStatus, MaterialState, TaskStatus
from tongban.cases.models import Case, CaseEvent, CaseNumberSequence, StageJoinRule
from tongban.cases.services import delivery, intake, review
from tongban.cases.tests.conftest import VALID_ID, applicant, person_applicant

pytestmark = pytest.mark.django_db


def at(day: str):
    return time_machine.travel(datetime.fromisoformat(f"{day}T10:00:00+08:00"), tick=False)


def codes(case) -> list[tuple[str, int | None]]:
    return list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("code", "blzt"))


def task_of(case, item):
    return case.tasks.get(item=item)


# --- Intake ---------------------------------------------------------------------------------------

def test_a_bundle_received_at_the_comprehensive_window_gets_a_number_tasks_and_the_merged_checklist(receive, restaurant):
    with at("2026-12-01"):
        case = receive()
    assert case.number == "4100002026120100001"
    assert case.status == CaseStatus.RECEIVED
    assert sorted((t.item.implementation_code, t.stage, t.status) for t in case.tasks.all()) == [
        ("R-1", 1, "waiting"), ("R-2", 2, "waiting"), ("R-3", 2, "waiting"), ("R-4", 2, "waiting")]
    states = dict(case.materials.values_list("identity__code", "state"))
    assert states["id_card"] == MaterialState.ELECTRONIC  # reused electronic licence
    assert states["business_licence"] == MaterialState.PRODUCED  # the bundle's own result
    assert states["fire_plan"] == MaterialState.RECEIVED
    assert codes(case) == [("case.received", 1)]


def test_numbers_follow_each_other_within_a_day_and_restart_the_next(receive):
    with at("2026-12-01"):
        first, second = receive(), receive()
    with at("2026-12-02"):
        third = receive()
    assert [first.number[-5:], second.number[-5:], third.number] == ["00001", "00002", "4100002026120200001"]
    assert CaseNumberSequence.objects.get(prefix="41000020261201").last == 2


def test_the_section_32_clock_runs_five_working_days_from_receipt_and_warns_a_day_earlier(receive):
    with at("2026-12-04"):  # a Friday
        case = receive()
    assert (case.due_date, case.warn_date) == (date(2026, 12, 11), date(2026, 12, 10))


def test_a_specialist_window_takes_only_its_own_departments_items(county, case_people, restaurant):
    ok = intake.receive_case(by=case_people.specialist_clerk, window=county.specialist_window, item=restaurant.food,
                             applicant=applicant())
    assert ok.intake_unit == county.department
    with pytest.raises(ValidationError) as err:
        intake.receive_case(by=case_people.specialist_clerk, window=county.specialist_window, item=restaurant.fire,
                            applicant=applicant())
    assert "专业窗口只受理本部门的事项" in err.value.messages[0]
    with pytest.raises(ValidationError, match="一件事须在综合受理窗口收件"):
        intake.receive_case(by=case_people.specialist_clerk, window=county.specialist_window,
                            bundle=restaurant.bundle, applicant=applicant())


def test_a_township_window_takes_delegated_items_only_and_reviews_them_itself(county, case_people, restaurant):
    from tongban.catalog import services as catalog

    with pytest.raises(ValidationError, match="未下放到本乡镇"):
        intake.receive_case(by=case_people.township_clerk, window=county.township_window, item=restaurant.drain,
                            applicant=applicant())
    catalog.delegate_item(restaurant.drain, to=[county.township_a], mode="entrusted")
    case = intake.receive_case(by=case_people.township_clerk, window=county.township_window, item=restaurant.drain,
                               applicant=applicant())
    assert case.tasks.get().unit == county.township_a


def test_a_clerk_cannot_receive_at_another_window(county, case_people, restaurant):
    with pytest.raises(ValidationError, match="不在受理窗口"):
        intake.receive_case(by=case_people.samr_reviewer, window=county.intake_window, item=restaurant.food,
                            applicant=applicant())


@pytest.mark.parametrize("changes, message", [
    ({"id_number": "110105194912310021"}, "校验位不正确（按 GB 11643 应为 X）"),
    ({"id_number": "110105194913310021"}, "出生日期无效"),
    ({"id_number": "11010519491231"}, "格式不正确"),
    ({"phone": "12345"}, "联系电话"),
])
def test_a_person_applicant_is_checked_by_gb_11643_and_phone(receive, changes, message):
    with pytest.raises(ValidationError) as err:
        receive(applicant=person_applicant(**changes))
    assert message in err.value.messages[0]
    assert Case.objects.count() == 0


def test_a_lower_case_x_and_spaces_in_an_id_number_are_normalised(receive):
    case = receive(applicant=person_applicant(id_number=" 11010519491231002x "))
    assert case.id_number == VALID_ID


def test_an_organisation_needs_a_valid_credit_code(receive):
    with pytest.raises(ValidationError, match="校验"):
        receive(applicant=applicant(id_number="91350100M000100Y44"))


# --- 一次性告知, 受理, 容缺 -----------------------------------------------------------------------------

def test_the_correction_notice_lists_every_missing_material_stops_the_clock_and_correction_restarts_it(receive, case_people):
    clerk = case_people.clerk
    with at("2026-12-01"):
        case = receive(materials={**{"fire_plan": "missing"}, "health_cert": {"state": "defective", "problem": "已过期"}})
        case = intake.notify_correction(case, by=clerk)
    assert case.status == CaseStatus.CORRECTING
    assert (case.due_date, case.warn_date) == (None, None)
    notice = case.events.get(code="case.correction_notified")
    assert notice.blzt == 6 and "从业人员健康证明（已过期）" in notice.message and "消防安全制度" in notice.message
    with at("2026-12-08"):
        case = intake.correct(case, by=clerk, materials={"fire_plan": "received", "health_cert": "received"})
    assert case.status == CaseStatus.RECEIVED and case.due_date == date(2026, 12, 15)


def test_accepting_with_a_material_missing_is_refused_with_the_names(receive, case_people):
    case = receive(materials={"fire_plan": "missing"})
    with pytest.raises(ValidationError) as err:
        intake.accept(case, by=case_people.clerk)
    assert "消防安全制度" in err.value.messages[0]
    assert Case.objects.get().status == CaseStatus.RECEIVED


def test_acceptance_starts_the_budget_the_day_after_and_opens_stage_one(receive, case_people, restaurant):
    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
    assert case.status == CaseStatus.REVIEWING and case.accepted_on == date(2026, 12, 1)
    # critical path 1 + 7 = 8 working days: Dec 2,3,4,7,8,9,10,11
    assert (case.budget_workdays, case.due_date, case.warn_date) == (8, date(2026, 12, 11), date(2026, 12, 10))
    assert task_of(case, restaurant.company).status == TaskStatus.REVIEWING
    assert task_of(case, restaurant.food).status == TaskStatus.WAITING


def test_only_materials_that_may_be_pending_can_be_left_for_later(receive, case_people):
    case = receive(materials={"health_cert": "missing"})
    with pytest.raises(ValidationError, match="不可容缺"):
        intake.accept_pending(case, by=case_people.clerk, pending=["health_cert"], promise_signed=True)


def test_pending_acceptance_needs_the_signed_promise(receive, case_people):
    case = receive(materials={"layout_plan": "missing"})
    with pytest.raises(ValidationError, match="承诺书"):
        intake.accept_pending(case, by=case_people.clerk, pending=["layout_plan"], promise_signed=False)


def test_pending_acceptance_sets_a_supplement_deadline_no_later_than_the_case_is_due(receive, case_people):
    with at("2026-12-01"):
        case = receive(materials={"layout_plan": "missing"})
        case = intake.accept_pending(case, by=case_people.clerk, pending=["layout_plan"], promise_signed=True)
    # 10 working days would be Dec 15; the case is due Dec 11
    assert case.accepted_with_pending and case.pending_due_date == date(2026, 12, 11)
    assert case.materials.get(identity__code="layout_plan").state == MaterialState.PENDING
    with at("2026-12-03"):
        case = intake.supply_pending(case, by=case_people.clerk)
    assert not case.materials.filter(state=MaterialState.PENDING).exists()


def test_refusal_needs_a_reason_and_closes_the_case(receive, case_people):
    case = receive()
    with pytest.raises(ValidationError, match="必须填写理由"):
        intake.refuse(case, by=case_people.clerk, reason=" ")
    case = intake.refuse(case, by=case_people.clerk, reason="不属于本机关职权范围")
    assert case.status == CaseStatus.REFUSED and codes(case)[-1] == ("case.refused", 4)


# --- Parallel review, special procedure, decision, delivery ---------------------------------------

def test_departments_review_in_parallel_after_the_first_stage_and_the_case_is_decided_when_all_approve(receive, case_people, restaurant):
    people = case_people
    with at("2026-12-01"):
        case = intake.accept(receive(), by=people.clerk)
    with at("2026-12-02"):
        case = review.approve(case, by=people.samr_reviewer, task=task_of(case, restaurant.company), reason="材料齐全")
    assert {t.item_id: t.status for t in case.tasks.all()} == {
        restaurant.company.pk: "approved", restaurant.food.pk: "reviewing", restaurant.fire.pk: "reviewing",
        restaurant.drain.pk: "reviewing"}
    assert task_of(case, restaurant.fire).due_date == date(2026, 12, 11)  # 7 working days from Dec 2
    with pytest.raises(ValidationError, match="审查部门"):
        review.approve(case, by=people.water_reviewer, task=task_of(case, restaurant.fire), reason="越权")
    with at("2026-12-04"):
        for reviewer, item in ((people.samr_reviewer, restaurant.food), (people.fire_reviewer, restaurant.fire),
                               (people.water_reviewer, restaurant.drain)):
            case = review.approve(case, by=reviewer, task=task_of(case, item), reason="符合条件")
    assert case.status == CaseStatus.READY and case.decision == "approved"
    with at("2026-12-07"):
        case = delivery.deliver(case, by=people.delivery_clerk, method="paper", licence_number="JY14101000001")
    assert case.status == CaseStatus.CLOSED and case.handover.licence_number == "JY14101000001"
    assert codes(case)[-1] == ("case.delivered", 11)


def test_a_stage_with_the_any_rule_opens_the_next_one_on_the_first_approval(county, case_people, restaurant):
    from tongban.catalog import services as catalog
    from tongban.catalog.tests.helpers import make_item

    final = make_item("R-9", county.department, name="开业备案", days=1)
    catalog.add_bundle_item(restaurant.bundle, final, after=[restaurant.food, restaurant.fire])
    StageJoinRule.objects.create(bundle=restaurant.bundle, stage=2, rule="any")
    from tongban.cases.tests.conftest import ALL_BROUGHT

    case = intake.receive_case(by=case_people.clerk, window=county.intake_window, bundle=restaurant.bundle,
                               applicant=applicant(), materials=ALL_BROUGHT)
    case = intake.accept(case, by=case_people.clerk)
    case = review.approve(case, by=case_people.samr_reviewer, task=task_of(case, restaurant.company), reason="可")
    assert task_of(case, final).stage == 3 and task_of(case, final).status == "waiting"
    case = review.approve(case, by=case_people.fire_reviewer, task=task_of(case, restaurant.fire), reason="可")
    assert task_of(case, final).status == "reviewing"


def test_one_department_denying_ends_the_case_as_not_permitted(receive, case_people, restaurant):
    case = intake.accept(receive(), by=case_people.clerk)
    case = review.approve(case, by=case_people.samr_reviewer, task=task_of(case, restaurant.company), reason="可")
    case = review.deny(case, by=case_people.fire_reviewer, task=task_of(case, restaurant.fire), reason="疏散通道不足")
    assert case.status == CaseStatus.READY and case.decision == "denied"
    assert task_of(case, restaurant.drain).status == TaskStatus.CANCELLED
    case = delivery.deliver(case, by=case_people.delivery_clerk, method="paper")
    assert codes(case)[-1] == ("case.delivered", 13)


def test_a_special_procedure_stops_the_clock_and_adds_its_working_days(receive, case_people, restaurant):
    with at("2026-12-01"):
        case = intake.accept(receive(), by=case_people.clerk)
        assert case.due_date == date(2026, 12, 11)
    with at("2026-12-02"):
        case = review.suspend(case, by=case_people.samr_reviewer, task=task_of(case, restaurant.company),
                              kind="expert_review", reason="名称争议，专家评审")
    assert case.status == CaseStatus.SUSPENDED
    with at("2026-12-07"):  # Dec 3, 4, 7: three working days suspended
        case = review.resume(case, by=case_people.samr_reviewer)
    assert (case.suspended_workdays, case.due_date) == (3, date(2026, 12, 16))
    assert [c for c, _ in codes(case)][-2:] == ["case.suspended", "case.resumed"]


def test_withdrawal_before_acceptance_and_after_map_to_their_codes(receive, case_people):
    before = delivery.withdraw(receive(), by=case_people.clerk, reason="申请人不再开办")
    after = delivery.withdraw(intake.accept(receive(), by=case_people.clerk), by=case_people.clerk, reason="改期")
    assert codes(before)[-1] == ("case.withdrawn", 2) and codes(after)[-1] == ("case.withdrawn", 14)
    assert not after.tasks.filter(status="reviewing").exists()


def test_a_case_cannot_be_delivered_twice_or_before_its_decision(receive, case_people):
    case = intake.accept(receive(), by=case_people.clerk)
    with pytest.raises(ValidationError, match="当前状态为“审查中”"):
        delivery.deliver(case, by=case_people.delivery_clerk, method="paper")


def test_events_are_append_only(receive):
    event = receive().events.get()
    event.message = "改写"
    with pytest.raises(RuntimeError):
        event.save()
