"""Unit aliases (issue 9): the names ledgers write for a unit — 市场监管局 for 县市场监督管理局 — kept on the
unit, editable on the unit page and in the org workbook, and never naming two units."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tongban.org import services
from tongban.org.models import UnitAlias
from tongban.org.tests.test_excel import UNIT_HEADER, new_unit, rejected, run_import, xlsx

pytestmark = pytest.mark.django_db

HEADER = [*UNIT_HEADER, "别名"]


def test_aliases_are_set_on_the_unit_page(county, personas, client_for):
    client = client_for(personas.director)
    url = county.department.get_absolute_url()
    data = {"name": county.department.name, "short_name": "", "aliases": "市场监管局、 市监局，市场监管局",
            "address": "", "phone": "", "service_hours": "", "sort_order": 100, "is_active": "on",
            "expected_version": county.department.version}
    assert client.post(url, data).status_code == 302
    assert county.department.alias_names == ["市场监管局", "市监局"]
    assert "市场监管局、市监局" in client.get(url).content.decode()


def test_an_alias_that_is_another_units_name_is_refused_on_the_page(county, personas, client_for):
    client = client_for(personas.director)
    data = {"name": county.department.name, "aliases": "市场准入股", "sort_order": 100, "is_active": "on",
            "expected_version": county.department.version}
    html = client.post(county.department.get_absolute_url(), data).content.decode()
    assert "“市场准入股”已是单位“市场准入股”的名称、简称或别名" in html
    assert not UnitAlias.objects.exists()


def test_an_alias_names_one_unit_only(county):
    services.set_unit_aliases(county.department, ["市场监管局"])
    with pytest.raises(ValidationError) as refused:
        services.set_unit_aliases(county.section, ["市场监管局"])
    assert refused.value.messages == ["“市场监管局”已是单位“县市场监管局”的名称、简称或别名。"]


def test_the_org_workbook_sets_and_exports_aliases(county):
    content = xlsx(单位=[HEADER, [*new_unit("dept-samr", "县市场监管局", kind="进驻部门"), "市场监管局、市监局"]])
    report = run_import(content)
    assert report.units.updated == 1
    county.department.refresh_from_db()
    assert county.department.alias_names == ["市场监管局", "市监局"]
    from tongban.org import excel
    from tongban.org.tests.test_excel import cells

    units = {row[0]: row for row in cells(excel.export_org_bytes())["单位"][1:]}
    assert units["dept-samr"][3] == "市场监管局、市监局"
    assert run_import(content).units.unchanged == 1


def test_the_org_workbook_refuses_an_alias_used_by_two_units(county):
    content = xlsx(单位=[HEADER, [*new_unit("dept-samr", "县市场监管局", kind="进驻部门"), "市场监管局"],
                       [*new_unit("sec-market", "市场准入股", kind="股室"), "市场监管局"]])
    errors = rejected(content)
    assert [(e["row"], e["column"], e["message"]) for e in errors] == [
        (3, "别名", "别名“市场监管局”已是单位“县市场监管局”的名称、简称或别名，一个名称只能指一个单位。")]
    assert not UnitAlias.objects.exists()


def test_the_demo_county_gives_departments_the_names_ledgers_use(db):
    from tongban.org.demo import build_demo_county

    county = build_demo_county()
    names = {alias.name: alias.unit.name for alias in UnitAlias.objects.select_related("unit")}
    assert names["市场监管局"] == "县市场监督管理局" and names["人社局"] == "县人力资源和社会保障局"
    assert names["卫健委"] == "县卫生健康委员会" and names["不动产中心"] == "县不动产登记中心"
    services.set_unit_aliases(county.units["dept-samr"], ["市监局"])  # a user's own list
    build_demo_county()
    assert county.units["dept-samr"].alias_names == ["市监局"]
