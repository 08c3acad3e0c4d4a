"""Unit names as ledgers write them (issue 9): 市场监管局, 人社局, 卫健委, 不动产中心 are the demo county's
aliases; a name that matches nothing is listed once with its rows, and can be mapped to a unit
(remembered as its alias) or created under a chosen parent, on the page and on the command line."""
from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from tongban.org.models import Unit, UnitAlias
from tongban.rectification.importing import import_ledger
from tongban.rectification.ledger_parsing import parse_ledger
from tongban.rectification.models import Measure
from tongban.rectification.tests.conftest import upload

pytestmark = pytest.mark.django_db

HEADER = ["序号", "问题方面", "具体问题", "整改措施", "牵头单位", "协调单位", "配合单位", "责任领导", "责任人", "完成时限", "整改状态"]


def short_name_ledger(lead=("市场监管局", "人社局", "卫健委", "不动产中心"), **override) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["2023年县委第一巡察组反馈问题整改台账"])
    sheet.append(HEADER)
    rows = [
        [1, "一、服务效能", "窗口一次告知不到位", "制定一次告知清单", lead[0], "", "人社局", "水建华", "李娜", "2023年9月30日前", "整改中"],
        [2, None, None, "开展窗口培训", lead[1], "市场监管局", "", "", "", "2023年10月31日前", "整改中"],
        [3, "二、作风建设", "群众办事等待时间长", "推行预约办理", lead[2], "", "不动产中心", "", "", "年底前", "未启动"],
        [4, None, None, "公开办理进度", lead[3], "", "", "", "", "立行立改", "整改中"],
    ]
    for number, values in override.items():
        rows[int(number[1:]) - 1][4] = values
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


@pytest.fixture
def demo_county(db):
    from tongban.org.demo import build_demo_county

    return build_demo_county()


def test_a_ledger_with_the_short_names_offices_write_imports_on_the_demo_county(demo_county):
    result = import_ledger(parse_ledger(short_name_ledger()))
    assert result.ok, result.errors
    leads = dict(Measure.objects.values_list("text", "lead_unit__name"))
    assert leads == {"制定一次告知清单": "县市场监督管理局", "开展窗口培训": "县人力资源和社会保障局",
                     "推行预约办理": "县卫生健康委员会", "公开办理进度": "县不动产登记中心"}
    matches = {m["name"]: (m["unit"], m["how_label"], m["rows"]) for m in result.unit_matches}
    assert matches["市场监管局"] == ("县市场监督管理局", "别名", [3, 4])
    assert matches["不动产中心"] == ("县不动产登记中心", "别名", [5, 6])


def test_the_preview_shows_how_every_unit_and_person_was_matched(demo_county):
    result = import_ledger(parse_ledger(short_name_ledger()), dry_run=True)
    columns = {m["name"]: m["columns"] for m in result.unit_matches}
    assert columns["人社局"] == ["配合单位", "牵头单位"] and columns["市场监管局"] == ["牵头单位", "协调单位"]
    people = {(p["name"], p["column"]): (p["staff"], p["how"]) for p in result.person_matches}
    assert people[("水建华", "责任领导")] == ("水建华（县市场监督管理局）", "唯一同名人员")
    assert people[("李娜", "责任人")] == ("", "系统中无此人，按姓名保存")


def test_every_unknown_name_is_listed_once_with_the_rows_that_use_it(demo_county):
    result = import_ledger(parse_ledger(short_name_ledger(lead=("火星办事处", "人社局", "火星办事处", "不动产中心"))),
                           dry_run=True)
    assert [(u["name"], u["rows"], u["problem"]) for u in result.unresolved_units] == [
        ("火星办事处", [3, 5], "找不到单位“火星办事处”")]
    assert result.as_json()["unresolved_units"] == [{"name": "火星办事处", "rows": [3, 5], "message": "找不到单位“火星办事处”"}]


def test_a_name_mapped_to_a_unit_imports_and_is_remembered_as_its_alias(demo_county):
    samr = demo_county.units["dept-samr"]
    ledger = short_name_ledger(lead=("市场局", "人社局", "卫健委", "不动产中心"))
    preview = import_ledger(parse_ledger(ledger), dry_run=True, unit_choices={"map": {"市场局": samr.pk}})
    assert preview.ok and preview.aliases_added == [{"alias": "市场局", "unit": "县市场监督管理局"}]
    assert not UnitAlias.objects.filter(name="市场局").exists()  # a dry run remembers nothing
    result = import_ledger(parse_ledger(short_name_ledger(lead=("市场局", "人社局", "卫健委", "不动产中心"))),
                           unit_choices={"map": {"市场局": samr.pk}})
    assert result.ok
    assert UnitAlias.objects.get(name="市场局").unit == samr
    assert import_ledger(parse_ledger(short_name_ledger(lead=("市场局", "人社局", "卫健委", "不动产中心"))),
                         dry_run=True).ok  # the next ledger needs no answer


def test_an_unknown_name_can_be_created_under_a_chosen_parent(demo_county):
    center = demo_county.units["center"]
    ledger = short_name_ledger(lead=("市场监管局", "人社局", "县数据局", "不动产中心"))
    choices = {"create": {"县数据局": {"parent": center.pk, "kind": "department"}}}
    preview = import_ledger(parse_ledger(ledger), dry_run=True, unit_choices=choices)
    assert preview.ok and not Unit.objects.filter(name="县数据局").exists()
    result = import_ledger(parse_ledger(short_name_ledger(lead=("市场监管局", "人社局", "县数据局", "不动产中心"))),
                           unit_choices=choices)
    assert result.ok and result.units_created == [{"name": "县数据局", "unit": "县数据局", "parent": center.name}]
    created = Unit.objects.get(name="县数据局")
    assert created.parent == center and created.kind.code == "department"
    assert Measure.objects.get(text="推行预约办理").lead_unit == created


def _command(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_cli_maps_names_and_creates_units(demo_county, tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(short_name_ledger(lead=("市场局", "人社局", "县数据局", "不动产中心")).getvalue())
    out, _ = _command("ledger", "import", str(path), "--map", "市场局=县市场监督管理局", "--create-units",
                      "--parent", "center", "--json")
    data = json.loads(out)
    assert data["errors"] == [] and data["created"] == 4
    assert data["aliases_added"] == [{"alias": "市场局", "unit": "县市场监督管理局"}]
    assert data["units_created"] == [{"name": "县数据局", "unit": "县数据局", "parent": "XX县行政审批服务中心"}]


def test_the_cli_refuses_a_map_to_a_unit_it_cannot_find(demo_county, tmp_path):
    from django.core.management.base import CommandError

    path = tmp_path / "台账.xlsx"
    path.write_bytes(short_name_ledger().getvalue())
    with pytest.raises(CommandError, match="找不到单位“县火星局”"):
        _command("ledger", "import", str(path), "--map", "市场局=县火星局")


# --- the web preview ------------------------------------------------------------------------------------


def test_the_preview_offers_to_map_or_create_each_unknown_name(demo_county, client_for):
    from tongban.rectification.models import Inspection

    office = demo_county.users["zhenggai"]
    office.set_password("Tongban#2026")
    office.save()
    client = client_for(office)
    content = short_name_ledger(lead=("市场局", "人社局", "县数据局", "不动产中心")).getvalue()
    url = client.post("/rectification/import/", {"file": upload("台账.xlsx", content)})["Location"]
    html = client.get(url).content.decode()
    assert 'id="import-unknown-units"' in html and "市场局" in html and "县数据局" in html
    assert "确认导入" not in html
    samr, center = demo_county.units["dept-samr"], demo_county.units["center"]
    response = client.post(url, {"units": "1", "unknown_0_name": "市场局", "unknown_0_action": "map",
                                 "unknown_0_unit": samr.pk, "unknown_1_name": "县数据局", "unknown_1_action": "create",
                                 "unknown_1_parent": center.pk, "unknown_1_kind": "department"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "确认导入" in html and "将记为“县市场监督管理局”的别名" in html and "将新建单位“县数据局”" in html
    client.post(url, {"confirm": "1"})
    assert Inspection.objects.exists() and Measure.objects.count() == 4
    assert UnitAlias.objects.get(name="市场局").unit == samr
    assert Unit.objects.get(name="县数据局").parent == center
    assert "水建华" in html and "唯一同名人员" in html  # how people were matched
