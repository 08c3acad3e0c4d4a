"""What each persona sees, through the real pages and the real API."""
import pytest

pytestmark = pytest.mark.django_db


def test_township_admin_gets_404_for_another_townships_unit_by_url(personas, county, client_for):
    client = client_for(personas.township_admin)
    assert client.get(f"/org/units/{county.township_a.pk}/").status_code == 200
    assert client.get(f"/org/units/{county.village_a.pk}/").status_code == 200
    assert client.get(f"/org/units/{county.township_b.pk}/").status_code == 404


def test_township_admin_gets_404_for_another_townships_unit_by_api(personas, county, api_for):
    api = api_for(personas.township_admin)
    assert api.get(f"/api/v1/units/{county.township_a.pk}/").status_code == 200
    response = api.get(f"/api/v1/units/{county.township_b.pk}/")
    assert response.status_code == 404
    assert "无权" in response.json()["detail"]


def test_township_admin_lists_only_own_township_and_below(personas, county, api_for):
    names = {row["name"] for row in api_for(personas.township_admin).get("/api/v1/units/").json()["results"]}
    assert names == {"城关镇便民服务中心", "东关村便民服务点"}


def test_missing_and_out_of_scope_records_answer_alike(personas, county, client_for):
    client = client_for(personas.township_admin)
    missing = client.get("/org/windows/999999/")
    hidden = client.get(f"/org/windows/{county.intake_window.pk}/")
    assert missing.status_code == hidden.status_code == 404


@pytest.mark.parametrize("persona", ["director", "rectification_office", "inspector", "admin"])
def test_county_wide_personas_see_every_unit(persona, personas, county, api_for):
    data = api_for(getattr(personas, persona)).get("/api/v1/units/").json()
    assert data["count"] == 6


def test_section_chief_sees_own_section_only(personas, county, api_for):
    names = {row["name"] for row in api_for(personas.section_chief).get("/api/v1/units/").json()["results"]}
    assert names == {"市场准入股"}


def test_window_clerk_sees_own_window_and_own_units_records(personas, county, api_for):
    api = api_for(personas.window_clerk)
    windows = {row["code"] for row in api.get("/api/v1/windows/").json()["results"]}
    assert windows == {"A01"}  # the centre's window; not the department's, not the township's
    assert api.get(f"/api/v1/windows/{county.specialist_window.pk}/").status_code == 404


def test_leader_in_charge_sees_the_units_they_are_in_charge_of(county, api_for):
    from tongban.org import services

    deputy = services.create_staff(
        staff_no="deputy", name="吴副主任", unit=county.section, role="staff", username="deputy",
        password="x", units_in_charge=[county.township_b],
    ).user
    names = {row["name"] for row in api_for(deputy).get("/api/v1/units/").json()["results"]}
    assert names == {"市场准入股", "王村乡便民服务中心"}


def test_anonymous_api_is_refused(county, client):
    assert client.get("/api/v1/units/").status_code in (401, 403)


def test_staff_list_page_is_scoped(personas, county, client_for):
    page = client_for(personas.other_township_admin).get("/org/staff/").content.decode()
    assert "孙乡镇" in page
    assert "钱乡镇" not in page and "张主任" not in page


def test_window_clerk_sees_their_own_window_not_the_other_windows_of_their_unit(personas, county, api_for):
    from tongban.org import services

    services.create_window(code="A02", name="综合受理二号窗", kind="intake", unit=county.center)
    api = api_for(personas.window_clerk)
    assert {row["code"] for row in api.get("/api/v1/windows/").json()["results"]} == {"A01"}
    assert {row["name"] for row in api.get("/api/v1/units/").json()["results"]} == {"测试县行政审批服务中心"}


def test_window_clerk_sees_colleagues_of_their_window_and_window_less_staff_of_their_unit(personas, county, api_for):
    from tongban.org import services

    other_window = services.create_window(code="A02", name="综合受理二号窗", kind="intake", unit=county.center)
    services.create_staff(staff_no="s-a02", name="在二号窗的人", unit=county.center, window=other_window)
    services.create_staff(staff_no="s-none", name="不在窗口的人", unit=county.center)
    services.create_staff(staff_no="s-dept", name="别的单位的人", unit=county.department)
    names = {row["name"] for row in api_for(personas.window_clerk).get("/api/v1/staff/").json()["results"]}
    assert "赵窗口" in names and "不在窗口的人" in names
    assert "在二号窗的人" not in names and "别的单位的人" not in names


# --- Who sees what, rule by rule (each one a mutant of org/scopes.py that used to survive; issue 17) --------

def names(api, endpoint: str, field: str = "name") -> set[str]:
    return {row[field] for row in api.get(f"/api/v1/{endpoint}/").json()["results"]}


def test_a_user_with_no_staff_record_sees_nothing(county, api_for, client_for):
    from django.contrib.auth import get_user_model

    from tongban.conftest import PASSWORD

    nobody = get_user_model().objects.create_user(username="nobody", password=PASSWORD)
    api = api_for(nobody)
    assert names(api, "units") == set() and names(api, "windows") == set() and names(api, "staff") == set()
    assert api.get(f"/api/v1/units/{county.center.pk}/").status_code == 404
    page = client_for(nobody).get("/org/").content.decode()
    assert "共 0 个单位 · 数据范围：无" in page
    from tongban.org.models import Unit

    assert not Unit.objects.visible_to(object()).exists()  # nor does anything that is not a user


def test_an_inactive_staff_member_sees_nothing(personas, county, api_for):
    from tongban.org import services

    staff = personas.township_admin.staff
    services.update_staff(staff, expected_version=None, is_active=False)
    api = api_for(personas.township_admin)
    assert names(api, "units") == set()
    assert api.get(f"/api/v1/units/{county.township_a.pk}/").status_code == 404


def test_a_township_admin_in_charge_of_another_township_sees_both(county, api_for):
    from tongban.org import services

    admin = services.create_staff(staff_no="tw3", name="郑乡镇", unit=county.township_a, role="township_admin",
                                  username="tw3", units_in_charge=[county.township_b]).user
    assert names(api_for(admin), "units") == {"城关镇便民服务中心", "东关村便民服务点", "王村乡便民服务中心"}


def test_a_section_chief_in_charge_of_two_units_sees_all_three_subtrees(county, api_for):
    from tongban.org import services

    chief = services.create_staff(staff_no="chief2", name="冯股长", unit=county.section, role="unit_head",
                                  username="chief2", units_in_charge=[county.township_a, county.department]).user
    assert names(api_for(chief), "units") == {"市场准入股", "城关镇便民服务中心", "东关村便民服务点", "县市场监管局"}
    assert names(api_for(chief), "windows", "code") == {"B01", "CG01"}


def test_plain_staff_in_charge_of_two_townships_see_their_unit_and_both(county, api_for):
    from tongban.org import services

    deputy = services.create_staff(staff_no="deputy2", name="陈副主任", unit=county.section, role="staff",
                                   username="deputy2", units_in_charge=[county.township_a, county.township_b]).user
    assert names(api_for(deputy), "units") == {"市场准入股", "城关镇便民服务中心", "东关村便民服务点", "王村乡便民服务中心"}


def test_plain_staff_see_the_windows_and_window_staff_of_their_own_unit(personas, county, api_for):
    from tongban.org import services

    services.create_window(code="A02", name="综合受理二号窗", kind="intake", unit=county.center)
    services.create_staff(staff_no="s-dept", name="别的单位的人", unit=county.department,
                          window=county.specialist_window)
    plain = services.create_staff(staff_no="plain", name="何干事", unit=county.center, role="staff",
                                  username="plain").user
    api = api_for(plain)
    assert names(api, "windows", "code") == {"A01", "A02"}
    assert names(api, "units") == {"测试县行政审批服务中心"}
    assert {"赵窗口", "何干事", "张主任"} <= names(api, "staff")
    assert "别的单位的人" not in names(api, "staff") and "王股长" not in names(api, "staff")


def test_a_window_clerk_without_a_window_sees_their_units_windows_and_staff(personas, county, api_for):
    from tongban.org import services

    clerk = services.create_staff(staff_no="clerk2", name="钱窗口", unit=county.center, role="window_clerk",
                                  username="clerk2").user
    api = api_for(clerk)
    assert names(api, "windows", "code") == {"A01"}
    assert {"赵窗口", "钱窗口", "张主任"} <= names(api, "staff")
    assert "王股长" not in names(api, "staff")


def test_a_window_clerk_sees_a_colleague_of_another_unit_posted_at_their_window(personas, county, api_for):
    from tongban.org import services

    services.create_staff(staff_no="s-posted", name="派驻的人", unit=county.department, window=county.intake_window)
    services.create_staff(staff_no="s-b01", name="专业窗口的人", unit=county.department,
                          window=county.specialist_window)
    seen = names(api_for(personas.window_clerk), "staff")
    assert "派驻的人" in seen and "赵窗口" in seen
    assert "专业窗口的人" not in seen


def test_a_window_clerk_reads_their_window_by_id_and_not_their_units_other_window(personas, county, api_for):
    from tongban.org import services

    other = services.create_window(code="A02", name="综合受理二号窗", kind="intake", unit=county.center)
    api = api_for(personas.window_clerk)
    assert api.get(f"/api/v1/windows/{county.intake_window.pk}/").json()["code"] == "A01"
    assert api.get(f"/api/v1/windows/{other.pk}/").status_code == 404
    assert api.get(f"/api/v1/units/{county.center.pk}/").json()["name"] == "测试县行政审批服务中心"


@pytest.mark.parametrize(("persona", "label"), [
    ("director", "全县"), ("admin", "全部（超级管理员）"), ("township_admin", "城关镇便民服务中心及下级"),
    ("section_chief", "市场准入股及下级"), ("window_clerk", "本窗口"),
])
def test_the_unit_tree_names_the_data_range(persona, label, personas, county, client_for):
    page = client_for(getattr(personas, persona)).get("/org/").content.decode()
    assert f"数据范围：{label}" in page


def test_plain_staff_are_told_their_range_is_their_unit(county, client_for):
    from tongban.conftest import PASSWORD
    from tongban.org import services

    plain = services.create_staff(staff_no="plain", name="何干事", unit=county.section, role="staff",
                                  username="plain", password=PASSWORD).user
    assert "共 1 个单位 · 数据范围：本单位" in client_for(plain).get("/org/").content.decode()


def test_a_malformed_id_answers_404_like_a_missing_one(personas, county):
    from django.http import Http404

    from tongban.org.models import Unit
    from tongban.org.scopes import get_visible_or_404

    for lookup in ({"pk": "abc"}, {"pk": None}, {"pk": 999999}):
        with pytest.raises(Http404, match="^未找到该记录，或您无权查看。$"):
            get_visible_or_404(Unit, personas.director, **lookup)
    assert get_visible_or_404(Unit, personas.director, pk=county.section.pk).name == "市场准入股"
    assert get_visible_or_404(Unit.objects.filter(code="sec-market"), personas.director, pk=county.section.pk) == county.section


def test_the_scope_is_computed_once_per_user_object(personas, county, django_assert_num_queries):
    from tongban.org.models import Unit

    user = personas.township_admin
    assert Unit.objects.visible_to(user).count() == 2
    with django_assert_num_queries(1):  # the count alone: the staff record and their 分管 are not read again
        assert Unit.objects.visible_to(user).count() == 2


def test_can_open_answers_what_the_detail_page_would(personas, county, django_assert_num_queries):
    """The question a template asks before linking to a record: yes for one's own township and below,
    no for another township, a record not saved yet or nothing at all; one query per model per user."""
    from tongban.org.models import Unit
    from tongban.org.scopes import can_open

    user = personas.township_admin
    assert can_open(user, county.township_a) is True  # reads the scope and the visible units
    with django_assert_num_queries(0):
        assert can_open(user, county.village_a) is True
        assert can_open(user, county.township_b) is False
        assert can_open(user, county.center) is False
        assert can_open(user, Unit(name="未保存的单位")) is False
        assert can_open(user, None) is False
    with django_assert_num_queries(1):  # another model: its visible ids, once
        assert can_open(user, county.township_window) is True
        assert can_open(user, county.intake_window) is False


def test_can_open_for_the_county_wide_and_for_nobody(personas, county, django_assert_num_queries):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    from tongban.org.models import Unit

    from tongban.org.scopes import can_open

    director = personas.director
    assert can_open(director, county.township_b) is True
    assert can_open(director, Unit(name="未保存的单位")) is False  # nothing to open yet, even for the director
    assert can_open(director, "") is False  # a template asking about a missing relation
    with django_assert_num_queries(0):
        assert can_open(director, county.specialist_window) is True
    nobody = get_user_model().objects.create_user(username="nobody")
    assert can_open(nobody, county.center) is False
    assert can_open(AnonymousUser(), county.center) is False
    assert can_open(None, county.center) is False


def test_unit_managers_may_edit_the_units_of_their_own_scope_only(personas, county):
    chief, township = personas.section_chief, personas.township_admin
    assert chief.has_perm("org.change_unit", county.section) is True
    assert chief.has_perm("org.change_unit", county.township_b) is False
    assert township.has_perm("org.change_unit", county.village_a) is True
    assert township.has_perm("org.change_window", county.township_window) is True
    assert township.has_perm("org.change_unit", county.township_b) is False
    assert personas.window_clerk.has_perm("org.change_window", county.intake_window) is False
    assert personas.director.has_perm("org.manage_org") is True


def test_a_window_clerk_in_charge_of_a_township_sees_it_too(county, api_for):
    from tongban.org import services

    clerk = services.create_staff(staff_no="clerk3", name="孔窗口", unit=county.center, role="window_clerk",
                                  window=county.intake_window, username="clerk3",
                                  units_in_charge=[county.township_b]).user
    assert names(api_for(clerk), "units") == {"测试县行政审批服务中心", "王村乡便民服务中心"}
