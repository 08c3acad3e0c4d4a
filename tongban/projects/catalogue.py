"""The four stages' catalogue entries (one 一件事 per stage: one guide, one form, one set of materials) and their
StageSetup rows, built through the catalogue's services. Used by the demo county and the tests; a real county
maps its own published stage bundles in 系统管理 → 阶段设置 instead."""
from __future__ import annotations

from dataclasses import dataclass

from tongban.catalog import services as catalog
from tongban.catalog.models import Bundle, ServiceItem
from tongban.projects.choices import Stage
from tongban.projects.models import DEFAULT_STAGE_WORKDAYS, StageSetup


@dataclass(frozen=True)
class ItemSpec:
    code: str
    name: str
    unit_key: str
    days: int
    materials: tuple[tuple[str, str], ...]
    commitment: bool = False  # 告知承诺制


# The stage materials every item of the stage shares are listed once by the bundle (合并清单).
SHARED = (("project_application", "项目申请表（一表申请）"), ("builder_licence", "建设单位营业执照"))

SPECS: dict[int, tuple[str, str, tuple[ItemSpec, ...]]] = {
    Stage.LAND_PLANNING: ("project-stage-1", "lead_land", (
        ItemSpec("GC-1-1", "建设项目用地预审与选址意见书核发", "land", 10, (*SHARED, ("site_plan", "拟选址位置图"))),
        ItemSpec("GC-1-2", "建设用地规划许可证核发", "land", 10, (*SHARED, ("land_contract", "国有建设用地使用权出让合同"))),
        ItemSpec("GC-1-3", "企业投资项目备案", "invest", 2, SHARED),
    )),
    Stage.CONSTRUCTION_PLANNING: ("project-stage-2", "lead_land", (
        ItemSpec("GC-2-1", "建设工程规划许可证核发", "land", 15, (*SHARED, ("design_plan", "建设工程设计方案"))),
        ItemSpec("GC-2-2", "建设工程消防设计审查", "fire", 15, (*SHARED, ("fire_design", "消防设计文件"))),
        ItemSpec("GC-2-3", "城镇污水排入排水管网许可", "housing", 10, (*SHARED, ("drain_plan", "排水方案")),
                 commitment=True),
    )),
    Stage.CONSTRUCTION_PERMIT: ("project-stage-3", "lead_housing", (
        ItemSpec("GC-3-1", "建筑工程施工许可证核发", "housing", 7, (*SHARED, ("construction_contract", "施工合同"))),
        ItemSpec("GC-3-2", "建设工程质量安全监督登记", "housing", 5, (*SHARED, ("safety_plan", "安全施工措施")),
                 commitment=True),
    )),
    Stage.COMPLETION: ("project-stage-4", "lead_housing", (
        ItemSpec("GC-4-1", "建设工程竣工验收备案", "housing", 5, (*SHARED, ("acceptance_report", "竣工验收报告"))),
        ItemSpec("GC-4-2", "建设工程消防验收", "fire", 10, (*SHARED, ("fire_test", "消防设施检测报告"))),
        ItemSpec("GC-4-3", "建设工程规划条件核实", "land", 10, (*SHARED, ("survey_report", "竣工测量报告"))),
    )),
}


def all_materials(stage: int) -> dict[str, str]:
    """Every material of a stage as brought to the window (the tests' and the demo's intake)."""
    return {code: "received" for spec in SPECS[stage][2] for code, _ in spec.materials}


def build_stage_catalogue(units: dict) -> dict[int, StageSetup]:
    """Items, the four bundles (all items of a stage in parallel: no predecessors) and the StageSetup rows.
    `units` maps "land", "fire", "housing", "invest", "lead_land", "lead_housing" to org units. Idempotent."""
    setups = {}
    for stage, (slug, lead_key, specs) in SPECS.items():
        bundle = Bundle.objects.filter(slug=slug).first()
        if bundle is None:
            bundle = catalog.create_bundle(slug=slug, name=f"工程建设项目·{Stage(stage).label}", lead_unit=units[lead_key])
        commitment = []
        for spec in specs:
            item = ServiceItem.objects.filter(implementation_code=spec.code).first()
            if item is None:
                item = catalog.create_item(
                    name=spec.name, basic_code=f"B-{spec.code}", implementation_code=spec.code,
                    implementing_unit=units[spec.unit_key], promised_days=spec.days, visits_on_site=1,
                    materials=[{"identity": catalog.ensure_identity(code, name)} for code, name in spec.materials],
                    steps=[])
            if not bundle.nodes.filter(item=item).exists():
                catalog.add_bundle_item(bundle, item)
            if spec.commitment:
                commitment.append(item)
        setup, _ = StageSetup.objects.get_or_create(
            stage=stage, defaults={"bundle": bundle, "lead_unit": units[lead_key],
                                   "limit_workdays": DEFAULT_STAGE_WORKDAYS[stage]})
        setup.commitment_items.add(*commitment)
        setups[stage] = setup
    return setups
