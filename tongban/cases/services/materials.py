"""The checklist written on behalf of the apps above cases: an electronic licence standing in for a material
(免提交). The licences app checks the licence (holder, validity, kind) and keeps which one stood in; the
material's state is the case's, so it is written here, with the case's event."""
from __future__ import annotations

from django.db import transaction

from tongban.cases.choices import BEFORE_ACCEPTANCE, CaseStatus, MaterialState
from tongban.cases.error_codes import CaseError, case_error
from tongban.cases.models import Case, CaseMaterial
from tongban.cases.services.common import event


def materials_open_for_licences(case: Case) -> bool:
    """Before acceptance the checklist is still open, so a licence may stand in (收件后、受理前, and 补正中)."""
    return case.status in BEFORE_ACCEPTANCE


@transaction.atomic
def cover_by_licences(case: Case, covered: list[tuple[CaseMaterial, str]], withdrawn: list[CaseMaterial], *,
                      by) -> None:
    """`covered`: (material, licence number) — each material becomes 电子证照免提交 with nothing to correct;
    `withdrawn`: materials whose licence the clerk took back go to 缺少 again (only those that were 免提交).
    The case's event names every material and licence. The caller locks the case and checks the licences."""
    if not materials_open_for_licences(case):
        raise case_error(CaseError.BAD_TRANSITION, status=CaseStatus(case.status).label, action="调用电子证照")
    for material in withdrawn:
        if material.case_id != case.pk:
            raise case_error(CaseError.MATERIAL_UNKNOWN, material=material.pk)
        if material.state == MaterialState.ELECTRONIC:
            material.state = MaterialState.MISSING
            material.save(update_fields=["state"])
    for material, _number in covered:
        if material.case_id != case.pk:
            raise case_error(CaseError.MATERIAL_UNKNOWN, material=material.pk)
        if not material.is_electronic_licence:  # the catalogue decides which materials accept a licence
            raise case_error(CaseError.MATERIAL_STATE, name=material.name, state=MaterialState.ELECTRONIC.label)
        material.state, material.problem = MaterialState.ELECTRONIC, ""
        material.save(update_fields=["state", "problem"])
    if covered:
        event(case, "case.licences_used", "电子证照免提交：" + "、".join(
            f"{material.name}（{number}）" for material, number in covered), by=by)
