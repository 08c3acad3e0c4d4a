"""Re-importing a ledger never silently undoes what was done in tongban since the last import (issue 7).

The import remembers what it wrote into each measure; a field whose value in tongban differs from that
is "edited in tongban": the preview lists it as a conflict, the import keeps tongban's value, and only an
explicit choice (per field, or for all) takes the file's value."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine

from tongban.core.import_snapshots import TakeFileValues
from tongban.history.services import events_for
from tongban.rectification import services
from tongban.rectification.importing import import_ledger
from tongban.rectification.ledger_parsing import parse_ledger
from tongban.rectification.models import Measure
from tongban.rectification.tests.test_importing import good_rows, messy_ledger

pytestmark = pytest.mark.django_db

TODAY = "2026-11-20 10:00 +0800"


def original_rows():
    rows = good_rows()
    rows[0][8] = "2023年9月30日前"  # 制定年度工作方案: 已完成, due 2023-09-30
    return rows


def reopen_by_revisit(text: str, office) -> Measure:
    """An unsatisfied 回头看 reopens the verified measure with a new deadline, 2026-12-31."""
    measure = Measure.objects.get(text=text)
    revisit = services.schedule_revisit(measure, scheduled_date=date(2026, 11, 10), by=office)
    services.record_revisit(revisit, done_date=date(2026, 11, 18), satisfied=False, notes="群众反映仍未公开",
                            new_deadline=date(2026, 12, 31), by=office)
    measure.refresh_from_db()
    assert (measure.status, measure.deadline) == ("in_progress", date(2026, 12, 31))
    return measure


@pytest.fixture
def reopened(county, personas):
    with time_machine.travel(TODAY, tick=False):
        import_ledger(parse_ledger(messy_ledger(original_rows())), by=personas.rectification_office)
        yield reopen_by_revisit("制定年度工作方案", personas.rectification_office)


def test_reimporting_the_original_ledger_keeps_a_reopened_deadline_and_reports_the_conflict(reopened, personas):
    again = parse_ledger(messy_ledger(original_rows()))
    preview = import_ledger(again, inspection=reopened.inspection, dry_run=True)
    assert preview.ok
    [change] = preview.changes
    assert change["measure"] == reopened.pk and change["row"] == 4
    [deadline] = [f for f in change["fields"] if f["field"] == "deadline"]
    assert (deadline["old"], deadline["new"], deadline["edited"], deadline["taken"]) == (
        "2026-12-31", "2023-09-30", True, False)
    assert preview.conflicts == 1
    assert "冲突" in preview.summary()

    result = import_ledger(parse_ledger(messy_ledger(original_rows())), inspection=reopened.inspection,
                           by=personas.rectification_office)
    assert result.ok and result.conflicts == 1 and result.updated == 0
    reopened.refresh_from_db()
    assert reopened.deadline == date(2026, 12, 31) and reopened.status == "in_progress"


def test_the_file_value_is_taken_only_when_chosen_for_that_field(reopened, personas):
    take = TakeFileValues(fields=frozenset({f"{reopened.pk}:deadline"}))
    result = import_ledger(parse_ledger(messy_ledger(original_rows())), inspection=reopened.inspection,
                           by=personas.rectification_office, take_file_values=take)
    assert result.ok and result.updated == 1 and result.conflicts == 0
    reopened.refresh_from_db()
    assert reopened.deadline == date(2023, 9, 30)
    event = events_for(reopened).get(code="rectification.measure.reimported")
    assert "完成时限：2026-12-31 → 2023-09-30" in event.message


def test_taking_the_file_values_for_all_overwrites_every_conflict(reopened, personas):
    result = import_ledger(parse_ledger(messy_ledger(original_rows())), inspection=reopened.inspection,
                           by=personas.rectification_office, take_file_values=TakeFileValues(all=True))
    assert result.ok and result.conflicts == 0
    reopened.refresh_from_db()
    assert reopened.deadline == date(2023, 9, 30)


def test_a_field_nobody_touched_in_tongban_follows_the_file(reopened, personas):
    rows = original_rows()
    rows[0][7] = "李整改"  # the ledger names another responsible person; tongban never changed that field
    result = import_ledger(parse_ledger(messy_ledger(rows)), inspection=reopened.inspection,
                           by=personas.rectification_office)
    assert result.ok and result.updated == 1 and result.conflicts == 1
    reopened.refresh_from_db()
    assert reopened.responsible_person.name == "李整改"  # applied: not edited in tongban
    assert reopened.deadline == date(2026, 12, 31)  # kept: edited in tongban (reopened)
    fields = {f["field"]: f for f in result.changes[0]["fields"]}
    assert fields["responsible_person_id"]["edited"] is False and fields["responsible_person_id"]["taken"] is True


def test_a_unit_changed_in_tongban_since_the_import_is_kept(county, personas):
    office = personas.rectification_office
    import_ledger(parse_ledger(messy_ledger(original_rows())), by=office)
    measure = Measure.objects.get(text="制定回访制度")  # led by 王村乡 in the file
    services.update_measure(measure, expected_version=None, lead_unit=county.township_a, by=office)
    result = import_ledger(parse_ledger(messy_ledger(original_rows())), inspection=measure.inspection, by=office)
    assert result.conflicts == 1
    [field] = result.changes[0]["fields"]
    assert (field["field"], field["old"], field["new"], field["edited"]) == (
        "lead_unit_id", "城关镇便民服务中心", "王村乡便民服务中心", True)
    measure.refresh_from_db()
    assert measure.lead_unit == county.township_a


def test_a_measure_created_in_tongban_before_any_import_keeps_its_edited_fields(ledger, personas, county):
    """No record of an import: the change log decides what was edited in tongban."""
    from tongban.rectification.exporting import export_ledger

    import io

    content = export_ledger(ledger.inspection)
    services.update_measure(ledger.section_measure, expected_version=None, deadline=date(2024, 3, 31),
                            by=personas.rectification_office)
    result = import_ledger(parse_ledger(io.BytesIO(content)), inspection=ledger.inspection, dry_run=True)
    [change] = result.changes
    assert change["measure"] == ledger.section_measure.pk
    assert [(f["field"], f["edited"]) for f in change["fields"]] == [("deadline", True)]


def test_an_identical_reimport_writes_no_snapshot_twice(county, personas):
    from tongban.core.models import ImportSnapshot

    import_ledger(parse_ledger(messy_ledger(original_rows())), by=personas.rectification_office)
    stamps = dict(ImportSnapshot.objects.values_list("pk", "imported_at"))
    assert len(stamps) == 4
    again = import_ledger(parse_ledger(messy_ledger(original_rows())), by=personas.rectification_office)
    assert (again.created, again.updated, again.unchanged, again.conflicts) == (0, 0, 4, 0)
    assert dict(ImportSnapshot.objects.values_list("pk", "imported_at")) == stamps


# --- the command line ----------------------------------------------------------------------------------


def _command(*args) -> tuple[str, str]:
    import io

    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _ledger_path(tmp_path):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(messy_ledger(original_rows()).getvalue())
    return str(path)


def test_the_cli_lists_the_conflict_and_keeps_tongbans_value(reopened, tmp_path):
    out, err = _command("ledger", "import", _ledger_path(tmp_path), "--inspection", str(reopened.inspection.pk))
    assert f"措施 {reopened.pk}" in err and "完成时限" in err and "2026-12-31" in err and "2023-09-30" in err
    assert f"--take {reopened.pk}:deadline" in err
    assert "冲突 1 处" in out
    reopened.refresh_from_db()
    assert reopened.deadline == date(2026, 12, 31)


def test_the_cli_takes_one_field_from_the_file(reopened, tmp_path):
    _command("ledger", "import", _ledger_path(tmp_path), "--inspection", str(reopened.inspection.pk),
             "--take", f"{reopened.pk}:deadline")
    reopened.refresh_from_db()
    assert reopened.deadline == date(2023, 9, 30)


def test_the_cli_takes_every_file_value(reopened, tmp_path):
    import json

    out, _ = _command("ledger", "import", _ledger_path(tmp_path), "--inspection", str(reopened.inspection.pk),
                      "--take-file-values", "--json")
    data = json.loads(out)
    assert data["conflicts"] == 0 and data["changes"][0]["fields"][0]["taken"] is True
    reopened.refresh_from_db()
    assert reopened.deadline == date(2023, 9, 30)


# --- the web preview -----------------------------------------------------------------------------------


def _upload(client, inspection):
    from tongban.rectification.tests.conftest import upload

    content = messy_ledger(original_rows()).getvalue()
    response = client.post("/rectification/import/", {"file": upload("台账.xlsx", content), "inspection": inspection.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def test_the_preview_lists_the_conflict_and_keeps_tongbans_value_on_confirm(reopened, personas, client_for):
    client = client_for(personas.rectification_office)
    url = _upload(client, reopened.inspection)
    html = client.get(url).content.decode()
    key = f"{reopened.pk}:deadline"
    assert 'id="import-changes"' in html and f'data-key="{key}"' in html
    assert "2026-12-31" in html and "2023-09-30" in html and "导入后在系统中修改过" in html and "保留系统值" in html
    assert f'name="take" value="{key}"' in html
    client.post(url, {"confirm": "1"})
    reopened.refresh_from_db()
    assert reopened.deadline == date(2026, 12, 31)


def test_the_preview_takes_the_file_value_when_chosen_and_the_confirm_carries_the_choice(reopened, personas, client_for):
    client = client_for(personas.rectification_office)
    url = _upload(client, reopened.inspection)
    key = f"{reopened.pk}:deadline"
    html = client.get(url, {"take": key}).content.decode()
    assert f'<input type="hidden" name="take" value="{key}">' in html and "保留系统值" not in html
    response = client.post(url, {"confirm": "1", "take": key})
    assert response.status_code == 302
    reopened.refresh_from_db()
    assert reopened.deadline == date(2023, 9, 30)


def test_the_preview_can_take_every_file_value(reopened, personas, client_for):
    client = client_for(personas.rectification_office)
    url = _upload(client, reopened.inspection)
    html = client.get(url, {"take_all": "1"}).content.decode()
    assert '<input type="hidden" name="take_all" value="1">' in html
    client.post(url, {"confirm": "1", "take_all": "1"})
    reopened.refresh_from_db()
    assert reopened.deadline == date(2023, 9, 30)


def test_the_messy_sample_imported_twice_changes_nothing_the_second_time(county, tmp_path):
    """Rows written 持续整改 beside a date used to be created 长期持续整改 and then put right by every
    re-import (“更新 25 项” each time)."""
    from tongban.rectification.tests.ledger_samples import make_messy_ledger

    sample = make_messy_ledger(tmp_path / "messy.xlsx", rows=200)
    first = import_ledger(parse_ledger(str(sample.path)))
    assert first.ok, first.errors
    again = import_ledger(parse_ledger(str(sample.path)), inspection=first.inspection)
    assert (again.created, again.updated, again.unchanged, again.conflicts) == (0, 0, 200, 0)
