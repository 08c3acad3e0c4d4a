"""Case fixtures over the personas' test county, built with the real services: a small 我要开饭店.

    county.center      综合受理一号窗 A01 (赵窗口), 统一出件窗口 C01 (peop.delivery_clerk)
    county.department  县市场监管局: 营业执照, 食品经营许可 (peop.samr_reviewer 吴审查)
    fire               县消防救援大队: 消防安全检查 (peop.fire_reviewer 郑消防)
    water              县水利局: 排水许可 (peop.water_reviewer 冯水利)
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from tongban.catalog import services as catalog
from tongban.catalog.models import Step
from tongban.catalog.tests.helpers import make_item, material
from tongban.conftest import PASSWORD  # noqa: F401  (browser tests log in with it)

VALID_ID = "11010519491231002X"
ORG_CODE = "91350100M000100Y43"


@dataclass
class Restaurant:
    bundle: object
    company: object
    food: object
    fire: object
    drain: object
    fire_unit: object
    water_unit: object
    delivery_window: object


@dataclass
class CasePeople:
    clerk: object
    delivery_clerk: object
    samr_reviewer: object
    fire_reviewer: object
    water_reviewer: object
    specialist_clerk: object
    township_clerk: object


@pytest.fixture
def restaurant(county):
    from tongban.org import services as org
    from tongban.org.defaults import ensure_unit_kinds

    kind = ensure_unit_kinds()
    fire_unit = org.create_unit(code="dept-fire", name="县消防救援大队", kind=kind["department"], parent=county.center)
    water_unit = org.create_unit(code="dept-water", name="县水利局", kind=kind["department"], parent=county.center)
    delivery = org.create_window(code="C01", name="统一出件窗口", kind="delivery", unit=county.center)
    catalog.ensure_identity("business_licence", "营业执照")
    company = make_item("R-1", county.department, name="营业执照（企业设立登记）", days=1, produces="business_licence",
                        materials=[material("application_form", "申请书"),
                                   material("id_card", "身份证", is_electronic_licence=True),
                                   material("premises_proof", "经营场所证明", may_be_pending=True, copies=1)])
    food = make_item("R-2", county.department, name="食品经营许可", days=5,
                     materials=[material("business_licence", "营业执照"),
                                material("layout_plan", "经营场所平面图", may_be_pending=True),
                                material("health_cert", "从业人员健康证明")])
    fire = make_item("R-3", fire_unit, name="公众聚集场所投入使用营业前消防安全检查", days=7,
                     materials=[material("fire_plan", "消防安全制度")])
    drain = make_item("R-4", water_unit, name="城镇污水排入排水管网许可", days=5,
                      materials=[material("drain_plan", "排水方案")])
    # Items without catalogue steps decide in one go (as before steps were tracked); `food_case_with_steps`
    # and the step tests give an item its steps.
    Step.objects.filter(item__in=[company, food, fire, drain]).delete()
    bundle = catalog.create_bundle(slug="open-restaurant", name="我要开饭店", lead_unit=county.center)
    catalog.add_bundle_item(bundle, company)
    for item in (food, fire, drain):
        catalog.add_bundle_item(bundle, item, after=[company])
    return Restaurant(bundle, company, food, fire, drain, fire_unit, water_unit, delivery)


@pytest.fixture
def case_people(county, personas, restaurant):
    from tongban.org import services as org

    def person(no, name, unit, role="staff", **kw):
        return org.create_staff(staff_no=no, name=name, unit=unit, role=role, username=no, password=PASSWORD, **kw).user

    return CasePeople(
        clerk=personas.window_clerk,
        delivery_clerk=person("deliver", "陈出件", county.center, "window_clerk", window=restaurant.delivery_window),
        samr_reviewer=person("samr", "吴审查", county.department),
        fire_reviewer=person("fire", "郑消防", restaurant.fire_unit),
        water_reviewer=person("water", "冯水利", restaurant.water_unit),
        specialist_clerk=person("spec", "卫专窗", county.department, "window_clerk", window=county.specialist_window),
        township_clerk=person("tclerk", "蒋乡窗", county.township_a, "window_clerk", window=county.township_window),
    )


def applicant(**changes) -> dict:
    data = {"applicant_kind": "organisation", "applicant_name": "城关美味餐饮有限公司", "id_number": ORG_CODE,
            "phone": "13800001234", "legal_representative": "刘老板"}
    return {**data, **changes}


def person_applicant(**changes) -> dict:
    data = {"applicant_kind": "person", "applicant_name": "李四", "id_type": "resident_id", "id_number": VALID_ID,
            "phone": "13900005678"}
    return {**data, **changes}


ALL_BROUGHT = {"application_form": "received", "premises_proof": "received", "layout_plan": "received",
               "health_cert": "received", "fire_plan": "received", "drain_plan": "received"}


@pytest.fixture
def receive(county, case_people, restaurant):
    """Receive the restaurant bundle at A01: every material brought, except as `materials` says."""
    from tongban.cases.services import intake

    def make(materials=None, **kw):
        kw.setdefault("bundle", restaurant.bundle)
        return intake.receive_case(by=case_people.clerk, window=county.intake_window, applicant=kw.pop("applicant", applicant()),
                                   materials={**ALL_BROUGHT, **(materials or {})}, **kw)

    return make


@pytest.fixture
def food_case_with_steps(county, case_people, restaurant):
    """A 食品经营许可 case accepted on Tuesday 2026-12-01 whose item's first steps are 审查 (3 working days) and
    决定 (2)."""
    import time_machine
    from datetime import datetime

    from tongban.cases.services import intake

    Step.objects.bulk_create([Step(item=restaurant.food, order=1, name="审查", days=3),
                              Step(item=restaurant.food, order=2, name="决定", days=2)])
    with time_machine.travel(datetime.fromisoformat("2026-12-01T10:00:00+08:00"), tick=False):
        case = intake.receive_case(by=case_people.clerk, window=county.intake_window, item=restaurant.food,
                                   applicant=person_applicant(), materials={
                                       "layout_plan": "received", "health_cert": "received", "business_licence": "received"})
        return intake.accept(case, by=case_people.clerk)
