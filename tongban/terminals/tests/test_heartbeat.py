"""The heartbeat: only a terminal's own token, for that terminal, is accepted; a heartbeat ends a fault."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tongban.terminals import services
from tongban.terminals.models import Terminal, TerminalFault

pytestmark = pytest.mark.django_db
URL = "/api/v1/terminals/heartbeat/"


def beat(key: str | None, code: str, scheme: str = "Terminal"):
    api = APIClient()
    if key is not None:
        api.credentials(HTTP_AUTHORIZATION=f"{scheme} {key}")
    return api.post(URL, {"terminal": code, "version": "2.4.0"}, format="json")


def test_a_terminal_reports_with_its_own_token_and_its_last_heartbeat_is_kept(terminals):
    response = beat(terminals.chengguan_key, "T-chengguan")
    assert response.status_code == 200, response.content
    assert response.json()["fault_closed"] is False
    terminal = Terminal.objects.get(code="T-chengguan")
    assert terminal.last_seen_at is not None and terminal.software_version == "2.4.0"
    assert Terminal.objects.get(code="T-wangcun").last_seen_at is None


def test_no_token_or_a_wrong_token_is_refused_and_nothing_is_recorded(terminals):
    assert beat(None, "T-chengguan").status_code == 401
    wrong = beat("not-a-token", "T-chengguan")
    assert wrong.status_code == 401
    assert "终端令牌无效" in wrong.content.decode()
    assert Terminal.objects.filter(last_seen_at__isnull=False).count() == 0


def test_another_terminals_token_cannot_report_for_this_terminal(terminals):
    response = beat(terminals.wangcun_key, "T-chengguan")
    assert response.status_code == 403
    assert "不属于这台终端" in response.content.decode()
    assert Terminal.objects.filter(last_seen_at__isnull=False).count() == 0


def test_a_persons_api_token_is_not_a_terminal_token(terminals, personas):
    from rest_framework.authtoken.models import Token

    staff_token = Token.objects.create(user=personas.admin)
    assert beat(staff_token.key, "T-chengguan", scheme="Token").status_code == 401
    assert beat(staff_token.key, "T-chengguan").status_code == 401


def test_a_terminal_token_opens_no_other_endpoint(terminals):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Terminal {terminals.chengguan_key}")
    assert api.get("/api/v1/cases/").status_code == 401
    assert api.get("/api/v1/terminals/").status_code == 401


def test_a_new_token_retires_the_old_one(terminals):
    new_key = services.issue_token(terminals.chengguan)
    assert beat(terminals.chengguan_key, "T-chengguan").status_code == 401
    assert beat(new_key, "T-chengguan").status_code == 200


def test_a_deactivated_terminal_cannot_report(terminals):
    Terminal.objects.filter(pk=terminals.chengguan.pk).update(is_active=False)
    assert beat(terminals.chengguan_key, "T-chengguan").status_code == 401


def test_a_heartbeat_ends_the_open_fault(terminals):
    now = timezone.now()
    Terminal.objects.filter(pk=terminals.chengguan.pk).update(created_at=now - timedelta(days=3))
    assert services.detect_faults(now)["faults_opened"] == 1
    response = beat(terminals.chengguan_key, "T-chengguan")
    assert response.json()["fault_closed"] is True
    fault = TerminalFault.objects.get()
    assert fault.ended_at is not None and fault.ended_at >= now
