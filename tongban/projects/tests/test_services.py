"""The project's services through the real cases machinery: one case per stage, parallel tasks, the stage's
limit and the green channel, the coordination round, 告知承诺 and 模拟审批."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tongban.cases.choices import CaseStatus, Decision, TaskStatus
from tongban.cases.models import Case, CaseTask
from tongban.cases.services import review
from tongban.cases.services.common import acting_on
from tongban.projects import services
from tongban.projects.choices import SimulatedStatus, Stage, VerificationResult
from tongban.projects.models import Commitment, ProjectSettings, SimulatedApproval
from tongban.projects.tests.conftest import coordinate, project_data, reviewers_of, to_stage_two

pytestmark = pytest.mark.django_db


def test_registration_names_every_problem_at_once_and_keeps_nothing(county, project_people):
    bad = project_data(name="", builder_credit_code="91350100M000100Y44", builder_phone="12", investment="-5",
                       kind="factory")
    with pytest.raises(ValidationError) as caught:
        services.register_project(by=project_people.clerk, window=county.intake_window, data=bad)
    assert set(caught.value.error_dict) == {"name", "builder_credit_code", "builder_phone", "investment", "kind"}
    assert "请填写项目名称" in caught.value.error_dict["name"][0].messages
    from tongban.projects.models import Project

    assert not Project.objects.exists()


def test_a_project_code_is_registered_once(make_project):
    make_project()
    with pytest.raises(ValidationError) as caught:
        make_project()
    assert caught.value.error_dict["code"][0].code == "project_code_taken"


def test_a_stage_is_one_case_of_the_stage_bundle_with_its_items_in_parallel(make_project, apply, project_people):
    project = make_project()
    ps = apply(project)
    case = ps.case
    assert Case.objects.count() == 1 and case.bundle.slug == "project-stage-1"
    assert case.status == CaseStatus.REVIEWING
    tasks = list(case.tasks.all())
    assert len(tasks) == 3 and {t.status for t in tasks} == {TaskStatus.REVIEWING}  # 并联: all open at once
    assert {t.opened_on for t in tasks} == {case.accepted_on}
    assert case.budget_workdays == 20 and ps.limit_workdays == 20 and ps.lead_unit == project_people.units["land"]
    assert all(t.budget_workdays <= 20 for t in tasks)
    # 多规合一: the project's data entered once is the stage's form, seen on every department's task (the case page)
    assert case.form_data["project_code"] == project.code and case.form_data["builder"] == project.builder_name
    assert case.applicant_name == project.builder_name and case.id_number == project.builder_credit_code


def test_the_green_channel_shortens_the_limits_and_puts_the_case_first_in_the_queue(make_project, apply, project_people):
    ordinary = apply(make_project(data={"code": "P-ORD"}))
    green = apply(make_project(data={"code": "P-GREEN"}, green_channel=True))
    assert ProjectSettings.load().green_channel_percent == 50
    assert green.case.budget_workdays == 10 and green.limit_workdays == 10 and ordinary.case.budget_workdays == 20
    assert green.case.due_date < ordinary.case.due_date
    land_tasks = CaseTask.objects.filter(case__in=[green.case, ordinary.case], item__implementation_code="GC-1-1")
    assert {t.case_id: t.budget_workdays for t in land_tasks} == {green.case.pk: 5, ordinary.case.pk: 10}
    from tongban.cases import selectors

    queue = list(selectors.review_queue(project_people.land).order_by(*selectors.REVIEW_ORDER))
    assert queue[0].case_id == green.case.pk and queue[0].priority == 1


def test_a_stage_case_limit_and_priority_are_written_with_their_history(make_project, apply, project_people):
    """The stage's limit and the green channel's priority are saved through the cases' service, each change on the
    case's own timeline (who, old → new, why) — not a silent bulk update."""
    ps = apply(make_project(data={"code": "P-HIST"}))
    case = ps.case
    terms = case.events.get(code="case.terms_set")
    assert terms.actor == project_people.clerk
    assert terms.data["budget_workdays"][1] == 20 and "阶段时限" in terms.message
    services.set_green_channel(ps.project, by=project_people.clerk, on=True)
    case.refresh_from_db()
    assert case.priority == 1 and set(case.tasks.values_list("priority", flat=True)) == {1}
    green = case.events.filter(code="case.terms_set").latest("pk")
    assert green.data["priority"] == [0, 1] and "绿色通道" in green.message and green.actor == project_people.clerk


def test_departments_decide_only_after_the_coordination_round(make_project, apply, project_people, personas):
    ps = apply(make_project())
    task = ps.case.tasks.get(item__implementation_code="GC-1-1")
    with pytest.raises(ValidationError) as caught:
        review.approve(ps.case, by=project_people.land, task=task, reason="同意")
    assert caught.value.code == "project_coordination_open"
    services.give_opinion(ps, by=project_people.land, opinion="agree")
    with pytest.raises(ValidationError) as missing:
        services.conclude_coordination(ps, by=project_people.land, conclusion="一致")
    assert "市场准入股" in missing.value.messages[0]
    services.give_opinion(ps, by=personas.section_chief, opinion="conditional", note="按备案要求补充投资构成")
    with pytest.raises(ValidationError) as not_lead:
        services.conclude_coordination(ps, by=personas.section_chief, conclusion="一致")
    assert not_lead.value.messages[0].startswith("只有牵头部门")
    services.conclude_coordination(ps, by=project_people.land, conclusion="意见一致")
    review.approve(ps.case, by=project_people.land, task=task, reason="同意")
    assert CaseTask.objects.get(pk=task.pk).status == TaskStatus.APPROVED


def test_an_opinion_comes_from_a_department_of_the_stage(make_project, apply, project_people):
    ps = apply(make_project())
    with pytest.raises(ValidationError) as caught:
        services.give_opinion(ps, by=project_people.fire, opinion="agree")  # the fire brigade has no stage-1 task
    assert caught.value.code == "project_not_stage_department"
    with pytest.raises(ValidationError):
        services.give_opinion(ps, by=project_people.land, opinion="disagree")  # a disagreement needs its reason


def test_the_next_stage_opens_only_after_the_stage_was_approved(make_project, apply, project_people, personas):
    project = make_project()
    ps = apply(project)
    with pytest.raises(ValidationError) as caught:
        apply(project)
    assert caught.value.code == "project_stage_not_open"
    coordinate(project_people, ps, section_chief=personas.section_chief)
    for task, user in reviewers_of(project_people, ps.case).items():
        review.approve(ps.case, by=user or personas.section_chief, task=task, reason="准予")
    ps.case.refresh_from_db()
    assert ps.case.decision == Decision.APPROVED
    second = apply(project)
    assert second.stage == Stage.CONSTRUCTION_PLANNING
    assert {t.unit.name for t in second.case.tasks.select_related("unit")} == {"县自然资源局", "县消防救援大队", "县住建局"}


def test_a_commitment_item_is_decided_on_the_written_commitment_and_verified_later(make_project, apply, project_people,
                                                                                  personas):
    ps = to_stage_two(make_project(), apply, project_people, personas)
    drain = ps.case.tasks.get(item__implementation_code="GC-2-2")
    with pytest.raises(ValidationError) as caught:
        services.decide_on_commitment(ps, drain, by=project_people.fire)
    assert caught.value.code == "project_not_commitment_item"
    task = ps.case.tasks.get(item__implementation_code="GC-2-3")
    commitment = services.decide_on_commitment(ps, task, by=project_people.housing)
    assert CaseTask.objects.get(pk=task.pk).status == TaskStatus.APPROVED
    assert commitment.result == VerificationResult.PENDING and commitment.verify_due > commitment.committed_on
    from tongban.projects import selectors

    assert list(selectors.commitments_to_verify(project_people.housing)) == [commitment]
    assert not selectors.commitments_to_verify(project_people.land).exists()
    with pytest.raises(ValidationError):
        services.verify_commitment(commitment, by=project_people.land, met=True)
    with pytest.raises(ValidationError):
        services.verify_commitment(commitment, by=project_people.housing, met=False)  # 不实 needs the facts
    services.verify_commitment(commitment, by=project_people.housing, met=False, note="排水方案与现场不符，责令整改")
    assert Commitment.objects.get().result == VerificationResult.NOT_MET


def test_simulated_approvals_become_formal_when_land_is_secured_without_a_second_review(make_project, apply,
                                                                                       project_people, personas):
    from tongban.org.people import person_name

    project = make_project(land_secured=False)
    ps = apply(project)
    coordinate(project_people, ps, section_chief=personas.section_chief)
    given = {}
    with acting_on(ps.case.accepted_on):
        for task, user in reviewers_of(project_people, ps.case).items():
            given[task.pk] = services.give_simulated_approval(ps, task, by=user or personas.section_chief,
                                                              opinion="选址符合规划，附条件同意")
    assert set(ps.case.tasks.values_list("status", flat=True)) == {TaskStatus.REVIEWING}  # conditional only
    with pytest.raises(ValidationError):
        services.give_simulated_approval(ps, ps.case.tasks.first(), by=project_people.land, opinion="再来一次")
    formal = services.secure_land(project, by=project_people.clerk)
    assert len(formal) == 3
    ps.case.refresh_from_db()
    assert ps.case.decision == Decision.APPROVED
    for task in ps.case.tasks.all():
        row = SimulatedApproval.objects.get(task=task)
        assert row.status == SimulatedStatus.FORMAL and row.given_on and row.formal_on  # both on the record
        assert task.status == TaskStatus.APPROVED and task.reason.startswith("模拟审批转为正式审批")
        # Recorded as the person who made it formal; the reviewer who gave the conditional approval is kept.
        assert task.decided_by == project_people.clerk and row.formal_by == project_people.clerk
        assert row.given_by is not None and row.given_by != project_people.clerk
        assert person_name(row.given_by) in task.reason
        approved = ps.case.events.get(code="case.task_approved", task=task)
        assert approved.actor == project_people.clerk
    project.refresh_from_db()
    assert project.land_secured and project.land_secured_on
    with pytest.raises(ValidationError):
        services.give_simulated_approval(ps, ps.case.tasks.first(), by=project_people.land, opinion="x")


def test_only_the_registering_side_applies_and_secures_land(make_project, project_people, county):
    project = make_project(land_secured=False)
    with pytest.raises(ValidationError) as caught:
        services.secure_land(project, by=project_people.land)
    assert caught.value.code == "project_not_manager"
    with pytest.raises(ValidationError):
        services.apply_stage(project, by=project_people.land, window=county.intake_window)
