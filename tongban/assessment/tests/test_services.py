"""Scoring a month from the records, caps, manual items, objections, locking and the 红黑榜 — through the
services, on real cases carded by the supervision job."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tongban.assessment import services
from tongban.assessment.choices import Grade, ObjectionStatus, SheetStatus
from tongban.assessment.models import ScoreItem, ScoreSheet
from tongban.assessment.tests.conftest import OCTOBER
from tongban.supervision.models import Card, Urge
from tongban.supervision.reports import Month

pytestmark = pytest.mark.django_db


def sheet_of(assessment, unit):
    return ScoreSheet.objects.get(assessment=assessment, unit=unit)


def test_every_assessed_unit_gets_a_sheet_with_the_scheme_in_force(scored, county, scheme):
    units = set(ScoreSheet.objects.filter(assessment=scored).values_list("unit_id", flat=True))
    from tongban.org.models import Unit

    assessed = set(Unit.objects.filter(kind__code__in=["department", "township"]).values_list("pk", flat=True))
    assert units == assessed and {county.department.pk, county.township_a.pk, county.township_b.pk} <= units
    assert county.center.pk not in units and county.section.pk not in units
    assert scored.scheme == scheme
    assert sheet_of(scored, county.township_b).total == Decimal("100")


def test_every_point_on_a_score_sheet_traces_to_its_record(scored, county):
    """Each automatic item names its source and record; following the URL opens that record, and the record
    is the department's card or 督办单 of the month."""
    sheet = sheet_of(scored, county.department)
    items = list(sheet.items.all())
    assert items, "the department was carded in October"
    client = Client()
    from tongban.conftest import PASSWORD

    client.post("/login/", {"username": "director", "password": PASSWORD})
    for item in items:
        assert item.record_key and item.record_id and item.url
        if item.record_key.startswith("supervision.") and "card" in item.record_key:
            card = Card.objects.get(pk=item.record_id)
            assert card.unit_id == county.department.pk and card.issued_on.month == 10
            assert card.case.number in item.label
        elif item.record_key == "supervision.urge_unanswered":
            urge = Urge.objects.get(pk=item.record_id)
            assert urge.unit_id == county.department.pk and urge.reply_due.month == 10
        assert client.get(item.url).status_code == 200, item.url
    counted = sum((i.counted for i in items), Decimal("0"))
    assert sheet.total == sheet.base_score + counted
    assert sheet.deductions == -counted


def test_a_month_is_scored_once(scored):
    again, created = services.score_month(Month.of(OCTOBER), date(2025, 11, 4))
    assert again == scored and not created
    assert ScoreSheet.objects.filter(assessment=scored).count() == len(set(
        ScoreSheet.objects.filter(assessment=scored).values_list("unit_id", flat=True)))


def test_no_scheme_in_force_is_a_clear_error(db):
    with pytest.raises(ValidationError) as exc:
        services.score_month(Month.of(OCTOBER), date(2025, 11, 3))
    assert "没有在用的考核方案" in exc.value.messages[0]


def test_an_indicators_cap_limits_its_points(scored, county, personas):
    sheet = sheet_of(scored, county.township_a)
    praise = scored.scheme.indicators.get(code="praise")  # +1 each, cap 5
    item = services.add_manual_item(sheet, indicator=praise, label="锦旗", count=7, note="照片见档案",
                                    by=personas.rectification_office)
    item.refresh_from_db()
    sheet.refresh_from_db()
    assert item.points == Decimal("7") and item.counted == Decimal("5")
    assert sheet.total == Decimal("105") and sheet.bonus == Decimal("5")


def test_the_total_never_exceeds_the_cap_score(scored, county, personas):
    sheet = sheet_of(scored, county.township_a)
    for code in ("praise", "innovation"):
        services.add_manual_item(sheet, indicator=scored.scheme.indicators.get(code=code), label="表扬", count=5,
                                 note="有据", by=personas.rectification_office)
    sheet.refresh_from_db()
    assert sheet.bonus == Decimal("10") and sheet.total == Decimal("110")


def test_manual_items_need_evidence_and_the_office(scored, county, personas):
    sheet = sheet_of(scored, county.township_a)
    bad = scored.scheme.indicators.get(code="bad_review")
    with pytest.raises(ValidationError) as exc:
        services.add_manual_item(sheet, indicator=bad, label="差评", by=personas.rectification_office)
    assert exc.value.code == "manual_evidence_required"
    with pytest.raises(ValidationError) as exc:
        services.add_manual_item(sheet, indicator=bad, label="差评", note="有", by=personas.township_admin)
    assert exc.value.code == "not_office"
    with pytest.raises(ValidationError) as exc:
        services.add_manual_item(sheet, indicator=scored.scheme.indicators.get(code="red"), label="x", note="y",
                                 by=personas.rectification_office)
    assert exc.value.code == "manual_not_manual"


def test_an_upheld_objection_cancels_the_item_and_restores_the_points(scored, county, personas):
    sheet = sheet_of(scored, county.township_a)
    item = services.add_manual_item(sheet, indicator=scored.scheme.indicators.get(code="bad_review"), label="差评",
                                    count=6, note="核查记录", by=personas.rectification_office)
    sheet.refresh_from_db()
    assert sheet.total == Decimal("90") and sheet.grade == Grade.PASS
    objection = services.file_objection(item, reason="非本中心窗口", by=personas.township_admin, today=date(2025, 11, 3))
    services.decide_objection(objection, upheld=True, decision="属实", by=personas.rectification_office)
    item.refresh_from_db()
    sheet.refresh_from_db()
    assert item.cancelled and item.counted == 0 and sheet.total == Decimal("100")
    from auditlog.models import LogEntry  # the cancellation is saved, so the item's history has it

    assert any("cancelled" in log.changes_dict for log in LogEntry.objects.get_for_object(item))
    assert objection.__class__.objects.get(pk=objection.pk).status == ObjectionStatus.UPHELD


def test_only_the_assessed_unit_objects_within_the_window(scored, county, personas):
    sheet = sheet_of(scored, county.department)
    item = sheet.items.first()
    with pytest.raises(ValidationError) as exc:
        services.file_objection(item, reason="x", by=personas.other_township_admin, today=date(2025, 11, 3))
    assert exc.value.code == "objection_not_yours"
    with pytest.raises(ValidationError) as exc:
        services.file_objection(item, reason="x", by=personas.director, today=date(2025, 11, 3))
    assert exc.value.code == "objection_not_yours"
    with pytest.raises(ValidationError) as exc:
        services.file_objection(item, reason="x", by=personas.section_chief, today=scored.objection_until.replace(day=28))
    assert exc.value.code in ("objection_closed", "objection_not_yours")


def test_a_pending_objection_blocks_the_lock_and_the_job_locks_after_the_window(scored, county, personas):
    sheet = sheet_of(scored, county.township_a)
    item = services.add_manual_item(sheet, indicator=scored.scheme.indicators.get(code="bad_review"), label="差评",
                                    note="记录", by=personas.rectification_office)
    objection = services.file_objection(item, reason="理由", by=personas.township_admin, today=date(2025, 11, 3))
    with pytest.raises(ValidationError) as exc:
        services.lock_month(scored, by=personas.rectification_office)
    assert exc.value.code == "pending_objections"
    assert services.lock_due(scored.objection_until.replace(day=28)) == 0
    services.decide_objection(objection, upheld=False, decision="不属实", by=personas.rectification_office)
    assert services.lock_due(scored.objection_until.replace(day=28)) == 1
    assert set(ScoreSheet.objects.filter(assessment=scored).values_list("status", flat=True)) == {SheetStatus.LOCKED}
    with pytest.raises(ValidationError):
        services.add_manual_item(sheet, indicator=item.indicator, label="x", note="y", by=personas.rectification_office)


def test_the_board_needs_a_locked_month_and_names_the_worst_with_reasons(scored, county, personas):
    with pytest.raises(ValidationError) as exc:
        services.publish_board(scored, by=personas.rectification_office)
    assert exc.value.code == "not_locked"
    services.lock_month(scored, by=personas.rectification_office)
    services.publish_board(scored, by=personas.rectification_office)
    from tongban.assessment.selectors import board

    black = board(scored)["window"]["black"]
    assert [r["unit"] for r in black] == [county.department.name]
    assert "牌" in black[0]["reasons"]


def test_a_windows_chief_representative_carries_the_share(scored, county):
    from tongban.org import services as org

    org.create_staff(staff_no="chief1", name="首席甲", unit=county.department, role="staff", position="驻厅首席代表")
    services.recompute(ScoreSheet.objects.filter(assessment=scored, unit=county.department))
    sheet = sheet_of(scored, county.department)
    assert sheet.chief_name == "首席甲"
    assert sheet.chief_deduction == (sheet.deductions * scored.scheme.chief_share / 100).quantize(Decimal("0.01"))


def test_locking_records_each_sheets_status_in_its_history(scored, county, personas):
    """The lock saves each sheet (no bulk update), so the sheet's history shows 申诉期 → 已锁定."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    services.lock_month(scored, by=personas.rectification_office)
    sheet = ScoreSheet.objects.get(assessment=scored, unit=county.department)
    logs = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(ScoreSheet), object_pk=str(sheet.pk),
                                   action=LogEntry.Action.UPDATE)
    assert any("status" in log.changes_dict and log.changes_dict["status"][1] == SheetStatus.LOCKED for log in logs)


@pytest.fixture
def tight(carded, scheme, personas):
    """October scored with every automatic indicator capped at one occurrence's points, so a unit with more than
    one occurrence of a source has occurrences beyond the cap."""
    for indicator in scheme.indicators.exclude(source="manual"):
        indicator.cap = abs(indicator.points)
        indicator.save()
    assessment, _ = services.score_month(Month.of(OCTOBER), date(2025, 11, 3), by=personas.rectification_office)
    return assessment


def occurrences_of(indicator, unit_id) -> list:
    from tongban.assessment.sources import SOURCES

    month = Month.of(OCTOBER)
    return [o for o in SOURCES[indicator.source].collect(month.first, month.last) if o.unit_id == unit_id]


def department_head(county):
    from django.contrib.auth import get_user_model

    from tongban.conftest import PASSWORD
    from tongban.org import services as org

    org.create_staff(staff_no="samrhead", name="局长", unit=county.department, role="unit_head", username="samrhead",
                     password=PASSWORD)
    return get_user_model().objects.get(username="samrhead")


def over_cap_lines(assessment):
    return [i for i in ScoreItem.objects.filter(sheet__assessment=assessment).select_related("indicator", "sheet")
            if i.is_over_cap_line]


def test_occurrences_beyond_the_cap_are_one_line_saying_how_many_and_every_point_still_traces(tight, county):
    lines = over_cap_lines(tight)
    assert lines, "the department has more than one occurrence of some source in October"
    for line in lines:
        found = occurrences_of(line.indicator, line.sheet.unit_id)
        kept = list(line.sheet.items.filter(indicator=line.indicator).exclude(record_id=""))
        assert len(kept) == 1 and kept[0].counted == line.indicator.points
        beyond = len(found) - 1
        assert line.counted == 0 and line.points == line.indicator.points * beyond
        assert f"另有 {beyond} 次超过本项上限" in line.label
        # the one that counts is the first in date order (then by record id)
        first = min(found, key=lambda o: (o.occurred_on, o.record_id))
        assert kept[0].record_id == first.record_id and kept[0].label == first.label[:200]
    client = Client()
    from tongban.conftest import PASSWORD

    client.post("/login/", {"username": "director", "password": PASSWORD})
    for sheet in ScoreSheet.objects.filter(assessment=tight):
        items = list(sheet.items.all())
        for item in items:
            if item.counted:
                assert item.record_key and item.record_id and item.url and not item.is_over_cap_line
                assert client.get(item.url).status_code == 200, item.url
        assert sheet.total == sheet.base_score + sum((i.counted for i in items), Decimal("0"))


def test_an_upheld_objection_lets_the_next_occurrence_beyond_the_cap_count(tight, county, personas):
    line = next(line for line in over_cap_lines(tight) if line.sheet.unit_id == county.department.pk)
    sheet, indicator = line.sheet, line.indicator
    found = sorted(occurrences_of(indicator, sheet.unit_id), key=lambda o: (o.occurred_on, o.record_id))
    total = sheet.total
    item = sheet.items.get(indicator=indicator, record_id=found[0].record_id)
    objection = services.file_objection(item, reason="非本单位责任", by=department_head(county),
                                        today=date(2025, 11, 3))
    services.decide_objection(objection, upheld=True, decision="属实", by=personas.rectification_office)
    sheet.refresh_from_db()
    nxt = sheet.items.get(indicator=indicator, record_id=found[1].record_id)
    assert nxt.counted == indicator.points and nxt.url and nxt.label == found[1].label[:200]
    assert sheet.total == total  # one cancelled, the next one counts in its place
    rest = len(found) - 2
    lines = [i for i in sheet.items.filter(indicator=indicator) if i.is_over_cap_line]
    if rest:
        assert len(lines) == 1 and f"另有 {rest} 次超过本项上限" in lines[0].label
        assert lines[0].points == indicator.points * rest
    else:
        assert lines == []


def test_an_over_cap_line_takes_no_objection(tight, county):
    line = next(line for line in over_cap_lines(tight) if line.sheet.unit_id == county.department.pk)
    with pytest.raises(ValidationError) as exc:
        services.file_objection(line, reason="x", by=department_head(county), today=date(2025, 11, 3))
    assert exc.value.code == "objection_over_cap_line"


def test_what_sources_share_is_computed_once_per_scoring():
    """staffing's lateness and inspection findings both come from one pass over the month (`sources.shared`):
    within one scoring it runs once; outside one (a page, a test calling a source), every time."""
    from tongban.assessment import sources

    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert sources.shared("k", compute) == 1 and sources.shared("k", compute) == 2
    calls.clear()
    with sources.one_scoring():
        assert [sources.shared("k", compute), sources.shared("k", compute), sources.shared("other", compute)] == [1, 1, 2]
    with sources.one_scoring():  # the next scoring computes afresh
        assert sources.shared("k", compute) == 3
    assert sources.shared("k", compute) == 4
