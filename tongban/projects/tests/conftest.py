"""Project fixtures over the personas' test county, built with the real services.

    county.center (综合受理一号窗 A01, 赵窗口 personas.window_clerk)
    land     县自然资源局   (people.land 林规划)  lead of stages 1–2
    fire     县消防救援大队 (people.fire 郑消防)
    housing  县住建局       (people.housing 韩住建) lead of stages 3–4
    invest   county.section 市场准入股 (personas.section_chief; 企业投资项目备案)
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tongban.conftest import PASSWORD  # noqa: F401

CREDIT_CODE = "91350100M000100Y43"


@dataclass
class ProjectPeople:
    clerk: object
    land: object
    fire: object
    housing: object
    units: dict


@pytest.fixture
def project_people(county, personas):
    from tongban.org import services as org
    from tongban.org.defaults import ensure_unit_kinds
    from tongban.projects.catalogue import build_stage_catalogue

    kind = ensure_unit_kinds()
    land = org.create_unit(code="dept-nr", name="县自然资源局", kind=kind["department"], parent=county.center)
    fire = org.create_unit(code="dept-fire", name="县消防救援大队", kind=kind["department"], parent=county.center)
    housing = org.create_unit(code="dept-housing", name="县住建局", kind=kind["department"], parent=county.center)
    units = {"land": land, "fire": fire, "housing": housing, "invest": county.section, "lead_land": land,
             "lead_housing": housing}
    build_stage_catalogue(units)

    def person(no, name, unit):
        return org.create_staff(staff_no=no, name=name, unit=unit, role="staff", username=no, password=PASSWORD).user

    return ProjectPeople(personas.window_clerk, person("land", "林规划", land), person("fire", "郑消防", fire),
                         person("housing", "韩住建", housing), units)


def project_data(**changes) -> dict:
    data = {"name": "城东智能制造产业园一期", "code": "2026-411000-34-03-000001", "builder_name": "豫东智能制造有限公司",
            "builder_credit_code": CREDIT_CODE, "builder_phone": "13800001234", "builder_contact": "刘经理",
            "location": "城关镇工业大道 8 号", "kind": "industrial", "investment": "12000", "land_area": "50000"}
    return {**data, **changes}


@pytest.fixture
def make_project(county, project_people):
    from tongban.projects import services

    def make(**kw):
        data = project_data(**kw.pop("data", {}))
        return services.register_project(by=project_people.clerk, window=county.intake_window, data=data, **kw)

    return make


@pytest.fixture
def apply(county, project_people):
    """Apply for the project's next stage at A01 with every material brought (accepted at once)."""
    from tongban.projects import services
    from tongban.projects.catalogue import all_materials

    def do(project):
        stage = services.next_stage(project)
        return services.apply_stage(project, by=project_people.clerk, window=county.intake_window,
                                    materials=all_materials(stage) if stage else None)

    return do


def reviewers_of(people: ProjectPeople, stage_case) -> dict:
    """The department person for each open task of the stage's case: {task: user}."""
    by_unit = {people.units["land"].pk: people.land, people.units["fire"].pk: people.fire,
               people.units["housing"].pk: people.housing}
    return {task: by_unit.get(task.unit_id) for task in stage_case.tasks.select_related("item", "unit")}


def coordinate(people: ProjectPeople, project_stage, *, section_chief=None) -> None:
    """Every department gives 同意, the lead concludes."""
    from tongban.projects import services

    done = set()
    for task, user in reviewers_of(people, project_stage.case).items():
        user = user or section_chief
        if task.unit_id in done:
            continue
        services.give_opinion(project_stage, by=user, opinion="agree")
        done.add(task.unit_id)
    lead = {people.units["land"].pk: people.land, people.units["housing"].pk: people.housing}[project_stage.lead_unit_id]
    services.conclude_coordination(project_stage, by=lead, conclusion="各部门意见一致，同意进入审批")


def to_stage_two(project, apply, people: ProjectPeople, personas):
    """Stage 1 coordinated and approved by its departments, stage 2 applied for and coordinated."""
    from tongban.cases.services import review

    first = apply(project)
    coordinate(people, first, section_chief=personas.section_chief)
    for task, user in reviewers_of(people, first.case).items():
        review.approve(first.case, by=user or personas.section_chief, task=task, reason="准予")
    second = apply(project)
    coordinate(people, second)
    return second
