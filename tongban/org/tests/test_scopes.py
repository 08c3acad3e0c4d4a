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
