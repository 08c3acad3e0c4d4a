"""Named personas built once per test through the real services (Healthchecks' Alice / Bob / Charlie).

    county.center                  测试县行政审批服务中心
      ├── county.section           市场准入股            (section chief: personas.section_chief)
      ├── county.department        县市场监管局（进驻）  (window: county.specialist_window)
      ├── county.township_a        城关镇便民服务中心    (personas.township_admin)
      │     └── county.village_a   东关村便民服务点
      └── county.township_b        王村乡便民服务中心    (personas.other_township_admin)
    county.intake_window (centre)  综合受理窗口 (personas.window_clerk)
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

PASSWORD = "Tongban#2026"


@dataclass
class County:
    center: object
    section: object
    department: object
    township_a: object
    village_a: object
    township_b: object
    intake_window: object
    specialist_window: object
    township_window: object


@dataclass
class Personas:
    director: object
    rectification_office: object
    section_chief: object
    window_clerk: object
    township_admin: object
    other_township_admin: object
    inspector: object
    admin: object


def start_ids_at(model, first: int) -> None:
    """The next row of `model` gets the id `first` (SQLite's AUTOINCREMENT table, PostgreSQL's sequence)."""
    from django.db import connection

    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Never below a row already there (a transactional test's own earlier rows): SQLite's AUTOINCREMENT
            # takes the larger of its counter and the highest id by itself, a PostgreSQL sequence does not.
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(%s, COALESCE((SELECT MAX({pk}) FROM "
                f"{connection.ops.quote_name(table)}), 0) + 1), false)",
                [table, model._meta.pk.column, first])
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, first - 1])


def keep_ids_apart() -> None:
    """Units from 101, windows from 201, staff from 301, logins from 401: an id never names a row of two of
    these tables, so a filter on the wrong table (a unit id compared with window ids) finds nothing and
    fails its test instead of passing because the centre and window A01 both have id 1."""
    from django.contrib.auth import get_user_model

    from tongban.org.models import Staff, Unit, Window

    for model, first in ((Unit, 101), (Window, 201), (Staff, 301), (get_user_model(), 401)):
        start_ids_at(model, first)


@pytest.fixture
def county(db) -> County:
    from tongban.org import services
    from tongban.org.defaults import ensure_unit_kinds

    kind = ensure_unit_kinds()  # transactional tests flush what the data migration loaded
    keep_ids_apart()
    center = services.create_unit(code="center", name="测试县行政审批服务中心", kind=kind["center"])
    section = services.create_unit(code="sec-market", name="市场准入股", kind=kind["section"], parent=center)
    department = services.create_unit(code="dept-samr", name="县市场监管局", kind=kind["department"], parent=center)
    township_a = services.create_unit(code="tw-chengguan", name="城关镇便民服务中心", kind=kind["township"], parent=center)
    village_a = services.create_unit(code="vil-dongguan", name="东关村便民服务点", kind=kind["village"], parent=township_a)
    township_b = services.create_unit(code="tw-wangcun", name="王村乡便民服务中心", kind=kind["township"], parent=center)
    intake = services.create_window(code="A01", name="综合受理一号窗", kind="intake", unit=center)
    specialist = services.create_window(code="B01", name="市场监管专业窗口", kind="specialist", unit=department)
    township_window = services.create_window(code="CG01", name="城关镇综合窗口", kind="intake", unit=township_a)
    return County(center, section, department, township_a, village_a, township_b, intake, specialist, township_window)


@pytest.fixture
def personas(county) -> Personas:
    from tongban.org import services

    def person(no, name, unit, role, **kw):
        return services.create_staff(staff_no=no, name=name, unit=unit, role=role, username=no, password=PASSWORD, **kw).user

    admin = person("admin", "管理员", county.center, "system_admin")
    admin.is_superuser = admin.is_staff = True
    admin.save()
    return Personas(
        director=person("director", "张主任", county.center, "center_leader", is_leader=True, position="主任"),
        rectification_office=person("office", "李整改", county.center, "rectification_office"),
        section_chief=person("chief", "王股长", county.section, "unit_head", position="股长"),
        window_clerk=person("clerk", "赵窗口", county.center, "window_clerk", window=county.intake_window),
        township_admin=person("township", "钱乡镇", county.township_a, "township_admin"),
        other_township_admin=person("township2", "孙乡镇", county.township_b, "township_admin"),
        inspector=person("inspector", "周监察", county.center, "inspector"),
        admin=admin,
    )


@pytest.fixture
def client_for(client):
    """Log a persona in with the real login page (axes requires a request on authenticate)."""

    def login(user):
        client.logout()
        response = client.post("/login/", {"username": user.username, "password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[:500]
        return client

    return login


@pytest.fixture
def api_for():
    """An API client authenticated with the persona's real token."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(user):
        token, _ = Token.objects.get_or_create(user=user)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api

    return make


MEMDB = "file:/tongban-test?vfs=memdb"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, test in memory with SQLite's memdb VFS instead of Django's default shared-cache
    memory database: connections from several threads then lock the way a real file does (a writer
    waits its turn, up to the busy timeout) instead of failing at once with "table is locked", so
    concurrent requests can be tested for real (rectification/tests/test_uploads.py). Django is told
    it is an in-memory database, so it never closes (and so destroys) it and shares it with the live
    server's thread as before."""
    from django.conf import settings
    from django.db.backends.sqlite3.creation import DatabaseCreation

    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("sqlite3"):
        return
    database.setdefault("TEST", {})["NAME"] = MEMDB
    plain = DatabaseCreation.is_in_memory_db
    DatabaseCreation.is_in_memory_db = staticmethod(lambda name: name == MEMDB or plain(name))


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2's deliberate slowness makes persona set-up dominate the suite; MD5 is fine in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Browser tests: pytest-playwright driving Debian's Chromium (never a downloaded browser).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Used by pytest-playwright's `browser` / `page` fixtures."""
    import os

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"浏览器测试需要 {CHROMIUM}：运行 scripts/ensure-chromium.sh（make test 会自动安装）")
    # Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable from tests.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def screenshot_dir():
    """Where browser tests save their screenshots: var/screenshots (not tracked) unless
    TONGBAN_SCREENSHOTS names another folder — `make screenshots` refreshes docs/screenshots/."""
    import os
    from pathlib import Path

    from django.conf import settings

    folder = Path(os.environ.get("TONGBAN_SCREENSHOTS") or settings.VAR_DIR / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def login_page(live_server, page):
    """Log a persona in through the real login form in the real browser; returns the page."""

    def login(user):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{live_server.url}/workbench/")
        return page

    return login
