"""The demo county: shaped like the seeds, idempotent, every persona can log in and sees their part."""
from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db.models import Count

from tongban.history.models import DomainEvent
from tongban.org.choices import Role, WindowKind
from tongban.org.demo import DEMO_PASSWORD, PERSONAS, build_demo_county
from tongban.org.models import Staff, Unit, Window

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return build_demo_county()


def row_counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(), "windows": Window.objects.count(), "staff": Staff.objects.count(),
        "users": get_user_model().objects.count(), "events": DomainEvent.objects.count(),
        "log": LogEntry.objects.count(),
    }


def test_running_the_demo_twice_changes_nothing(demo):
    first = row_counts()
    versions = dict(Staff.objects.values_list("staff_no", "version"))
    again = build_demo_county()
    assert again.created == 0
    assert row_counts() == first
    assert dict(Staff.objects.values_list("staff_no", "version")) == versions


def test_the_demo_is_the_centre_of_the_seeds(demo):
    center = Unit.objects.get(code="center")
    assert center.name == "XX县行政审批服务中心" and center.parent is None
    by_kind = dict(Unit.objects.values_list("kind__code").annotate(n=Count("pk")))
    assert by_kind["section"] >= 9 and by_kind["department"] >= 8
    assert by_kind["township"] == 12 and by_kind["outlet"] >= 3
    sections = set(Unit.objects.filter(kind__code="section").values_list("name", flat=True))
    assert {"办公室", "市场准入股", "效能监察股", "投资服务中心"} <= sections
    for township in Unit.objects.filter(kind__code="township"):
        assert 1 <= township.children.filter(kind__code="village").count() <= 2
        assert township.windows.filter(kind=WindowKind.INTAKE).count() == 1


def test_the_demo_has_windows_of_all_four_kinds_and_numbered_intake_windows(demo):
    kinds = set(Window.objects.values_list("kind", flat=True))
    assert kinds == set(WindowKind.values)
    assert {"A01", "A02", "A03"} <= set(Window.objects.filter(kind=WindowKind.INTAKE).values_list("code", flat=True))
    departments = Unit.objects.filter(kind__code="department")
    assert all(d.windows.filter(kind=WindowKind.SPECIALIST).exists() for d in departments)


def test_the_demo_has_about_eighty_staff_and_the_leaders_in_charge(demo):
    assert 75 <= Staff.objects.count() <= 110
    director = Staff.objects.get(position__contains="主任", unit__code="center", role=Role.CENTER_LEADER,
                                 user__username="zhuren")
    assert director.is_leader
    deputies = Staff.objects.filter(position__contains="副主任", is_leader=True)
    assert deputies.count() == 3
    in_charge = set()
    for deputy in deputies:
        codes = set(deputy.units_in_charge.values_list("code", flat=True))
        assert codes and not codes & in_charge  # each unit has one leader in charge
        in_charge |= codes
    assert {"sec-market", "dept-samr", "tw-chengguan"} <= in_charge


def test_every_persona_logs_in_through_the_login_page(demo, client):
    for username, _, _ in PERSONAS:
        client.logout()
        response = client.post("/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, (username, response.content.decode()[:300])
        assert client.get("/workbench/").status_code == 200


def test_admin_is_a_superuser_and_the_others_are_not(demo):
    users = get_user_model().objects.filter(username__in=[u for u, _, _ in PERSONAS])
    assert {u.username for u in users if u.is_superuser} == {"admin"}
    assert Staff.objects.get(user__username="admin").role == Role.SYSTEM_ADMIN


def test_township_admin_xiangzhen_sees_only_chengguan_and_below(demo, client, api_for):
    user = get_user_model().objects.get(username="xiangzhen")
    names = {row["name"] for row in api_for(user).get("/api/v1/units/").json()["results"]}
    assert names == {"城关镇便民服务中心", "东关村便民服务点", "西关村便民服务点", "中国邮政城关营业所"}
    other = Unit.objects.get(code="tw-liji")
    assert api_for(user).get(f"/api/v1/units/{other.pk}/").status_code == 404


def test_unit_heads_see_their_own_unit_and_below(demo, api_for):
    expected = {"guzhang": {"sec-market"}, "buzhang": {"dept-samr"},
                "xiangzhen2": {"tw-liji", "vil-liji", "out-rcb-liji"}}
    for username, codes in expected.items():
        user = get_user_model().objects.get(username=username)
        assert {row["code"] for row in api_for(user).get("/api/v1/units/").json()["results"]} == codes, username


def test_the_window_clerk_sees_their_own_window_and_no_others(demo, api_for):
    user = get_user_model().objects.get(username="chuangkou")
    api = api_for(user)
    codes = {row["code"] for row in api.get("/api/v1/windows/").json()["results"]}
    assert codes == {user.staff.window.code}
    other = Window.objects.filter(unit=user.staff.unit).exclude(pk=user.staff.window_id).first()
    assert api.get(f"/api/v1/windows/{other.pk}/").status_code == 404
    assert api.get(f"/api/v1/windows/{Window.objects.get(code='B01').pk}/").status_code == 404
    assert api.get(f"/api/v1/windows/{Window.objects.get(code='CG01').pk}/").status_code == 404


def test_county_wide_personas_see_every_unit(demo, api_for):
    for username in ("zhuren", "zhenggai", "jiancha", "admin"):
        user = get_user_model().objects.get(username=username)
        assert api_for(user).get("/api/v1/units/").json()["count"] == Unit.objects.count(), username


def test_a_changed_password_survives_another_run(demo):
    user = get_user_model().objects.get(username="chuangkou")
    user.set_password("Changed#2027")
    user.save()
    build_demo_county()
    user.refresh_from_db()
    assert user.check_password("Changed#2027") and not user.check_password(DEMO_PASSWORD)


def test_an_existing_admin_login_is_linked_and_keeps_its_password(db):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.cn", "Own#Secret9")
    build_demo_county()
    admin.refresh_from_db()
    assert admin.staff.staff_no == "ZX081" and admin.check_password("Own#Secret9")
