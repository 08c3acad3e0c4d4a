"""A record's timeline reads as people would say it: labels and names, not codes and logins; one entry
for the record's creation; no rows where nothing changed."""
from __future__ import annotations

import pytest
from auditlog.context import set_actor

from tongban.history.selectors import timeline_for
from tongban.org import services
from tongban.org.models import Staff, UnitKind

pytestmark = pytest.mark.django_db

EMPTY = "（空）"


def test_a_records_creation_is_one_entry_with_its_event_and_its_initial_values(county):
    timeline = timeline_for(county.section)
    assert [(e.kind, e.code, e.message) for e in timeline] == [("event", "org.unit.created", "新建单位“市场准入股”")]
    initial = {label: (old, new) for label, old, new in timeline[0].changes}
    assert initial["单位名称"] == (None, "市场准入股")
    assert initial["上级单位"] == (None, "测试县行政审批服务中心")  # the unit's name, not its id
    assert initial["单位类型"] == (None, "股室")
    assert all(new and new != EMPTY for _, _, new in timeline[0].changes)  # nothing "（空）" at creation


def test_a_record_created_without_a_domain_event_still_has_one_creation_entry(db):
    kind = UnitKind.objects.create(code="test-kind", name="试点类型", sort_order=15)
    timeline = timeline_for(kind)
    assert [(e.kind, e.message) for e in timeline] == [("change", "创建")]
    assert timeline[0].changes == [("代码", None, "test-kind"), ("名称", None, "试点类型"), ("排序", None, "15"),
                                   ("对外服务网点", None, "否")]


def test_many_to_many_changes_name_what_was_added_and_removed(county, personas):
    staff = Staff.objects.get(user=personas.director)
    services.update_staff(staff, expected_version=None, units_in_charge=[county.section, county.department])
    services.update_staff(Staff.objects.get(pk=staff.pk), expected_version=None, units_in_charge=[county.section])
    rows = [row for e in timeline_for(staff) for row in e.changes if row[0] == "分管单位"]
    assert rows == [("分管单位", None, "移除：县市场监管局"), ("分管单位", None, "增加：市场准入股、县市场监管局")]
    assert not [row for e in timeline_for(staff) for row in e.changes if "type" in row or "operation" in row]


def test_people_are_named_by_their_name_never_by_their_login(county, personas):
    chief = personas.section_chief
    chief.first_name = ""  # an account whose name was never filled in: the staff record still names them
    chief.save()
    with set_actor(chief):
        services.update_unit(county.department, expected_version=None, short_name="市场监管", by=chief)
    entries = timeline_for(county.department)[:2]
    assert {e.actor for e in entries} == {"王股长"}
    assert "chief" not in {e.actor for e in timeline_for(county.department)}


def test_a_bundles_timeline_shows_its_name_not_its_url_key_or_icon(county):
    """Users see names: a bundle's URL key (标识) and its icon's code name stay out of its history."""
    from tongban.catalog import services as catalog

    bundle = catalog.create_bundle(slug="open-shop", name="我要开店", lead_unit=county.center, icon="bi-shop")
    bundle = catalog.update_bundle(bundle, expected_version=bundle.version, icon="bi-house", name="我要开小店")
    shown = [(label, old, new) for entry in timeline_for(bundle) for label, old, new in entry.changes]
    assert ("名称", None, "我要开店") in shown and ("名称", "我要开店", "我要开小店") in shown
    assert not [row for row in shown if {"open-shop", "bi-shop", "bi-house"} & set(row)]
