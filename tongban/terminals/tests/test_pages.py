"""The terminals page and list API against the personas: a township admin sees their own terminal only,
the inspector reads all and cannot hand out tokens."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.terminals import services
from tongban.terminals.models import Terminal

pytestmark = pytest.mark.django_db


@pytest.fixture
def faulty(terminals):
    now = timezone.now()
    Terminal.objects.filter(pk__in=[terminals.chengguan.pk, terminals.wangcun.pk]).update(created_at=now - timedelta(days=5))
    services.detect_faults(now)
    return terminals


@pytest.mark.parametrize("name, sees", [
    ("director", {"城关镇电子监察终端", "王村乡电子监察终端"}),
    ("inspector", {"城关镇电子监察终端", "王村乡电子监察终端"}),
    ("township_admin", {"城关镇电子监察终端"}),
    ("other_township_admin", {"王村乡电子监察终端"}),
    ("section_chief", set()),
])
def test_each_persona_sees_the_terminals_and_faults_of_their_scope(client_for, api_for, personas, faulty, name, sees):
    user = getattr(personas, name)
    page = client_for(user).get("/terminals/").content.decode()
    shown = {t for t in ("城关镇电子监察终端", "王村乡电子监察终端") if t in page}
    assert shown == sees
    listed = {row["name"] for row in api_for(user).get("/api/v1/terminals/").json()["results"]}
    assert listed == sees
    assert all(row["state"] == "fault" for row in api_for(user).get("/api/v1/terminals/").json()["results"])


def test_a_township_admin_gets_404_for_another_townships_terminal(api_for, personas, faulty):
    api = api_for(personas.township_admin)
    assert api.get("/api/v1/terminals/T-chengguan/").status_code == 200
    assert api.get("/api/v1/terminals/T-wangcun/").status_code == 404


def test_the_inspector_reads_but_cannot_issue_a_token(client_for, personas, faulty):
    client = client_for(personas.inspector)
    page = client.get("/terminals/").content.decode()
    assert "生成新令牌" not in page
    assert client.post(f"/terminals/{faulty.chengguan.pk}/token/").status_code == 403
    assert services.terminal_for_token(faulty.chengguan_key) is not None  # untouched


def test_the_administrator_issues_a_token_shown_once(client_for, personas, faulty):
    client = client_for(personas.admin)
    response = client.post(f"/terminals/{faulty.chengguan.pk}/token/", follow=True)
    page = response.content.decode()
    assert "只显示这一次" in page
    assert services.terminal_for_token(faulty.chengguan_key) is None  # the old one no longer works
    assert "只显示这一次" not in client.get("/terminals/").content.decode()


def test_the_silence_limit_is_edited_in_the_admin_and_the_next_scan_uses_it(client_for, personas, terminals):
    from tongban.terminals.models import TerminalSettings

    now = timezone.now()
    services.record_heartbeat(terminals.chengguan, at=now - timedelta(hours=5))
    services.record_heartbeat(terminals.wangcun, at=now)
    settings_row = TerminalSettings.load()
    client = client_for(personas.admin)
    page = client.get(f"/admin/terminals/terminalsettings/{settings_row.pk}/change/")
    assert page.status_code == 200 and "静默多少小时视为故障" in page.content.decode()
    response = client.post(f"/admin/terminals/terminalsettings/{settings_row.pk}/change/", {"silent_hours": 4})
    assert response.status_code == 302
    assert services.detect_faults()["faults_opened"] == 1


def test_a_terminal_belongs_to_a_township_once(client_for, personas, terminals, county):
    client = client_for(personas.admin)
    body = {"code": "T-centre", "name": "中心终端", "unit": county.center.pk, "is_active": "on"}
    page = client.post("/admin/terminals/terminal/add/", body).content.decode()
    assert "须登记在乡镇便民服务中心下" in page
    page = client.post("/admin/terminals/terminal/add/", {**body, "unit": county.township_a.pk}).content.decode()
    assert "已存在" in page  # 城关镇 has its terminal
    assert Terminal.objects.count() == 2
