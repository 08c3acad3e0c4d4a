"""Accounts: lock-out by user name and address together, a per-address limit against password spraying
that spares the hall's regulars, the old-password field limited too, API tokens that expire and are revoked
by a password change, a page for one's own tokens, sessions that end with the browser and when idle."""
from __future__ import annotations

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tongban.conftest import PASSWORD

pytestmark = pytest.mark.django_db

HALL = "10.8.0.1"  # a hall behind one NAT address
ELSEWHERE = "10.9.0.7"


def login(client, username, password=PASSWORD, address=HALL):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_stranger_failing_five_times_does_not_lock_the_account_for_everyone(personas, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "admin", "wrong-password", address=ELSEWHERE)
    assert login(client, "admin", address=ELSEWHERE).status_code == 429  # locked where the failures came from
    assert login(client, "admin", address=HALL).status_code == 302  # the administrator still logs in at work


def test_spraying_from_one_address_is_stopped_but_the_halls_regulars_still_log_in(personas, client, settings, county):
    from tongban.org import services

    for n in range(9):
        services.create_staff(staff_no=f"s{n}", name=f"人员{n}", unit=county.center, username=f"s{n}", password=PASSWORD)
    assert login(client, "clerk").status_code == 302  # a regular of this hall
    client.post("/logout/")
    for n in range(9):  # 4 tries on each of 9 accounts: never 5 on one name
        for _ in range(4):
            login(client, f"s{n}", "Spring2026!")
    assert login(client, "chief").status_code == 429  # a name not known at this address: refused now
    assert login(client, "chief", address=ELSEWHERE).status_code == 302  # the address is limited, not the account
    client.post("/logout/")
    assert login(client, "clerk").status_code == 302  # a regular who logged in here before is not locked out


def test_the_old_password_field_of_the_password_change_is_limited(personas, client_for, settings):
    from django.contrib.auth import get_user_model

    clerk = client_for(personas.window_clerk)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = clerk.post("/password/", {"old_password": "guess", "new_password1": "Chuangkou#2027x",
                                             "new_password2": "Chuangkou#2027x"})
        assert response.status_code in (200, 429)
    response = clerk.post("/password/", {"old_password": PASSWORD, "new_password1": "Chuangkou#2027x",
                                         "new_password2": "Chuangkou#2027x"})
    assert response.status_code == 429
    assert get_user_model().objects.get(pk=personas.window_clerk.pk).check_password(PASSWORD)  # unchanged


def _token_client(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_a_password_change_revokes_the_api_token(personas, client_for):
    token = Token.objects.create(user=personas.window_clerk)
    assert _token_client(token.key).get("/api/v1/units/").status_code == 200
    response = client_for(personas.window_clerk).post("/password/", {
        "old_password": PASSWORD, "new_password1": "Chuangkou#2027x", "new_password2": "Chuangkou#2027x"})
    assert response.status_code == 302
    assert _token_client(token.key).get("/api/v1/units/").status_code == 401
    assert not Token.objects.filter(user=personas.window_clerk).exists()


def test_a_token_expires_after_the_configured_days(personas, settings):
    settings.API_TOKEN_DAYS = 30
    with time_machine.travel("2026-11-01 09:00 +0800", tick=False):
        token = Token.objects.create(user=personas.window_clerk)
    with time_machine.travel("2026-11-30 09:00 +0800", tick=False):
        assert _token_client(token.key).get("/api/v1/units/").status_code == 200
    with time_machine.travel("2026-12-02 09:00 +0800", tick=False):
        response = _token_client(token.key).get("/api/v1/units/")
        assert response.status_code == 401
        assert "令牌已过期" in response.json()["detail"]


def test_my_tokens_page_shows_creates_and_revokes_only_ones_own(personas, client_for):
    other = Token.objects.create(user=personas.director)
    office = client_for(personas.rectification_office)
    html = office.get("/account/tokens/").content.decode()
    assert "我的接口令牌" in html and other.key not in html and other.key[:8] not in html
    response = office.post("/account/tokens/", {"action": "create"})
    assert response.status_code == 200  # the new key is shown once, on the page that created it
    token = Token.objects.get(user=personas.rectification_office)
    assert token.key in response.content.decode()
    assert token.key not in office.get("/account/tokens/").content.decode()  # never again in full
    office.post("/account/tokens/", {"action": "revoke"})
    assert not Token.objects.filter(user=personas.rectification_office).exists()
    assert Token.objects.filter(pk=other.pk).exists()  # someone else's token is untouched


def test_someone_who_may_not_use_the_api_sees_the_page_but_cannot_create_a_token(personas, client_for, settings):
    settings.API_TOKEN_ROLES = ["rectification_office"]
    clerk = client_for(personas.window_clerk)
    assert "我的接口令牌" in clerk.get("/account/tokens/").content.decode()
    assert clerk.post("/account/tokens/", {"action": "create"}).status_code == 403
    assert not Token.objects.filter(user=personas.window_clerk).exists()


def test_the_session_ends_when_the_browser_closes_and_after_idle_minutes(personas, client, settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    settings.SESSION_IDLE_MINUTES = 30
    with time_machine.travel("2026-11-23 09:00 +0800", tick=False):
        response = login(client, "clerk")
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    with time_machine.travel("2026-11-23 09:25 +0800", tick=False):
        assert client.get("/org/").status_code == 200  # active: the idle clock starts again
    with time_machine.travel("2026-11-23 09:50 +0800", tick=False):
        assert client.get("/org/").status_code == 200
    with time_machine.travel("2026-11-23 10:21 +0800", tick=False):
        response = client.get("/org/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")
