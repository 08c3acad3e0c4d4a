"""Every change in the field-level history names its person, whichever door it came through: a page
(session), the API with a token, the command line with a named user, a scheduled job."""
from __future__ import annotations

import sys
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from tongban.org.models import Unit

pytestmark = pytest.mark.django_db


def _changes_of(obj):
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk))


def test_a_change_made_on_a_page_names_the_person(county, personas, client_for):
    from tongban.rectification import services

    inspection = services.create_inspection(title="巡察一", body="县委", inspected_unit=county.center,
                                            feedback_date=date(2023, 6, 17))
    office = client_for(personas.rectification_office)
    response = office.post(f"/rectification/inspections/{inspection.pk}/edit/", {
        "title": "巡察一（改）", "kind": inspection.kind, "body": "县委", "group": "", "inspected_unit": county.center.pk,
        "feedback_date": "2023-06-17", "report_due_date": "2023-08-17", "status": inspection.status, "notes": "",
        "expected_version": inspection.version,
    })
    assert response.status_code == 302, response.content.decode()[:400]
    update = _changes_of(inspection).filter(action=LogEntry.Action.UPDATE).get()
    assert update.actor == personas.rectification_office


def test_a_change_made_through_the_api_with_a_token_names_the_token_holder(county, personas, api_for):
    api = api_for(personas.rectification_office)
    created = api.post("/api/v1/inspections/", {
        "title": "令牌创建的巡察", "body": "县委", "inspected_unit": county.center.pk, "feedback_date": "2023-06-17",
    }, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    changed = api.patch(f"/api/v1/inspections/{pk}/", {"title": "令牌修改的巡察", "version": 1}, format="json")
    assert changed.status_code == 200, changed.content
    from tongban.rectification.models import Inspection

    entries = list(_changes_of(Inspection.objects.get(pk=pk)).order_by("pk"))
    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert [entry.actor for entry in entries] == [personas.rectification_office] * 2


@pytest.mark.django_db(transaction=True)  # the real command line closes every connection when it ends
def test_the_command_line_records_the_named_user(county, personas, tmp_path, monkeypatch):
    from tongban import cli
    from tongban.org.tests.test_excel import UNIT_HEADER, new_unit, xlsx

    source = tmp_path / "org.xlsx"
    source.write_bytes(xlsx(单位=[UNIT_HEADER, new_unit("sec-info", "信息股")]))
    monkeypatch.setattr(sys, "argv", ["tongban", "--user", "office", "org", "import", str(source)])
    cli.main()
    unit = Unit.objects.get(code="sec-info")
    assert _changes_of(unit).get().actor == personas.rectification_office


def test_the_command_line_refuses_an_unknown_user_in_chinese(county, monkeypatch, capsys):
    from tongban import cli

    monkeypatch.setattr(sys, "argv", ["tongban", "--user", "nobody", "org", "export", "-o", "x.xlsx"])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 2
    assert "没有名为“nobody”的在用账号" in capsys.readouterr().err


def test_a_command_without_a_named_user_and_a_job_record_the_system_account(county, personas):
    """A scheduled job has no person at the keyboard: its changes name the system account (系统任务),
    never nobody."""
    from tongban.core.audit import system_user
    from tongban.jobs.choices import Trigger
    from tongban.jobs.services import run_job
    from tongban.rectification.models import Bulletin

    run_job("rectification.monthly_bulletin", date(2026, 12, 1), trigger=Trigger.SCHEDULE)
    bulletin = Bulletin.objects.get()
    entry = _changes_of(bulletin).get()
    assert entry.actor == system_user()
    assert entry.actor.username == "system" and entry.actor.first_name == "系统任务"
    assert not entry.actor.has_usable_password() and not entry.actor.is_active


def test_no_change_in_the_demo_county_is_anonymous(db):
    """The demo county is built by the command line as the system account: every row has a person."""
    from django.core.management import call_command

    call_command("demo", verbosity=0)
    assert LogEntry.objects.count() > 100
    assert LogEntry.objects.filter(actor__isnull=True).count() == 0


def test_a_set_actor_block_names_its_person_and_ends_with_the_block(county, personas):
    from auditlog.context import set_actor
    from auditlog.models import LogEntry

    from tongban.org import services as org_services

    chief = personas.section_chief
    with set_actor(chief):
        org_services.update_unit(county.department, expected_version=None, short_name="市场监管", by=chief)
    org_services.update_unit(county.department, expected_version=None, short_name="市监局")
    logs = LogEntry.objects.get_for_object(county.department).order_by("pk")
    assert [log.actor.username for log in logs][-2:] == [chief.username, "system"]
