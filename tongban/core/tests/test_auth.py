"""Login, lock-out after repeated failures, logout and password change, through the real pages."""
import pytest

from tongban.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_loads_no_external_assets(client):
    html = client.get("/login/").content.decode()
    assert "登录" in html and "用户名" in html
    assert "http://" not in html.replace("http://127.0.0.1", "") and "https://" not in html


def test_wrong_password_shows_a_chinese_error(personas, client):
    response = client.post("/login/", {"username": "clerk", "password": "wrong-password"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_account_is_locked_after_five_failures_even_with_the_right_password(personas, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "clerk", "password": "wrong-password"})
    response = client.post("/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已被临时锁定" in response.content.decode()
    # another account is not affected
    assert client.post("/login/", {"username": "chief", "password": PASSWORD}).status_code == 302


def test_lockout_ends_after_the_cooloff(personas, client, settings):
    import time_machine

    with time_machine.travel("2026-11-23 09:00 +0800", tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post("/login/", {"username": "clerk", "password": "wrong-password"})
        assert client.post("/login/", {"username": "clerk", "password": PASSWORD}).status_code == 429
    with time_machine.travel("2026-11-23 09:20 +0800", tick=False):
        assert client.post("/login/", {"username": "clerk", "password": PASSWORD}).status_code == 302


def test_pages_require_login(client):
    response = client.get("/org/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_logout_is_a_post_and_ends_the_session(personas, client_for):
    client = client_for(personas.window_clerk)
    assert client.get("/workbench/").status_code == 200
    client.post("/logout/")
    assert client.get("/workbench/").status_code == 302


def test_password_change_then_login_with_the_new_password(personas, client_for, client):
    c = client_for(personas.window_clerk)
    response = c.post("/password/", {"old_password": PASSWORD, "new_password1": "Chuangkou#2027x", "new_password2": "Chuangkou#2027x"})
    assert response.status_code == 302
    c.post("/logout/")
    assert client.post("/login/", {"username": "clerk", "password": "Chuangkou#2027x"}).status_code == 302


def test_password_change_rejects_a_short_password_in_chinese(personas, client_for):
    c = client_for(personas.window_clerk)
    html = c.post("/password/", {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"}).content.decode()
    assert "密码长度太短" in html
