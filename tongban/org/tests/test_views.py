import pytest

from tongban.org.models import Unit

pytestmark = pytest.mark.django_db


def test_org_tree_shows_the_whole_county_to_the_director(personas, county, client_for):
    html = client_for(personas.director).get("/org/").content.decode()
    for name in ["测试县行政审批服务中心", "市场准入股", "城关镇便民服务中心", "王村乡便民服务中心", "东关村便民服务点"]:
        assert name in html


def test_org_tree_of_a_township_admin_starts_at_their_township(personas, county, client_for):
    html = client_for(personas.township_admin).get("/org/").content.decode()
    assert "城关镇便民服务中心" in html and "东关村便民服务点" in html
    assert "王村乡" not in html and "市场准入股" not in html


def test_section_chief_edits_own_unit_through_the_page(personas, county, client_for):
    client = client_for(personas.section_chief)
    url = f"/org/units/{county.section.pk}/"
    form = client.get(url).context["form"]
    data = {**form.initial, "phone": "0377-6666666", "expected_version": county.section.version, "is_active": "on"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert Unit.objects.get(pk=county.section.pk).phone == "0377-6666666"


def test_a_stale_edit_shows_a_chinese_conflict_and_keeps_the_other_edit(personas, county, client_for):
    client = client_for(personas.director)
    url = f"/org/units/{county.section.pk}/"
    stale_version = county.section.version
    base = {"name": "市场准入股", "sort_order": 100, "is_active": "on", "expected_version": stale_version}
    assert client.post(url, {**base, "phone": "first"}).status_code == 302
    response = client.post(url, {**base, "phone": "second"})
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    assert Unit.objects.get(pk=county.section.pk).phone == "first"


def test_read_only_persona_sees_no_edit_form_and_cannot_post(personas, county, client_for):
    client = client_for(personas.inspector)
    url = f"/org/units/{county.section.pk}/"
    assert client.get(url).context["form"] is None
    assert client.post(url, {"phone": "x"}).status_code == 403


def test_window_and_staff_lists_filter_by_keyword(personas, county, client_for):
    client = client_for(personas.director)
    html = client.get("/org/windows/", {"q": "市场监管"}).content.decode()
    assert "市场监管专业窗口" in html and "综合受理一号窗" not in html
    page = client.get("/org/staff/", {"role": "township_admin"}).context["page"]
    assert {staff.name for staff in page} == {"钱乡镇", "孙乡镇"}


def test_record_history_shows_who_changed_what(personas, county, client_for):
    client = client_for(personas.director)
    url = f"/org/units/{county.section.pk}/"
    client.post(url, {"name": "市场准入股", "sort_order": 100, "is_active": "on", "phone": "0377-7777777",
                      "expected_version": county.section.version})
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Unit)
    html = client.get(f"/history/{ct.pk}/{county.section.pk}/").content.decode()
    assert "联系电话" in html and "0377-7777777" in html and "张主任" in html


def test_history_of_an_out_of_scope_record_is_404(personas, county, client_for):
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Unit)
    client = client_for(personas.township_admin)
    assert client.get(f"/history/{ct.pk}/{county.township_b.pk}/").status_code == 404
    assert client.get(f"/history/{ct.pk}/{county.township_a.pk}/").status_code == 200


def test_the_org_tree_groups_the_centres_children_by_kind_then_order(personas, county, client_for):
    """Created in the order section, department, township A, township B; a second section is added last and
    belongs with the first section, not after the townships."""
    from tongban.org import services
    from tongban.org.defaults import ensure_unit_kinds

    services.create_unit(code="sec-office", name="办公室", kind=ensure_unit_kinds()["section"], parent=county.center,
                         sort_order=1)
    html = client_for(personas.director).get("/org/").content.decode()

    positions = [html.index(name) for name in ("股室（2）", "办公室", "市场准入股", "进驻部门（1）", "县市场监管局",
                                               "乡镇便民服务中心（2）", "城关镇便民服务中心", "王村乡便民服务中心")]
    assert positions == sorted(positions)
