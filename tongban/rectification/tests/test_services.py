"""The loop's services: every transition, every guard, overdue derivation, revisits and evidence."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tongban.history.services import events_for
from tongban.rectification import services
from tongban.rectification.choices import DeadlineKind, MeasureStatus
from tongban.rectification.models import Evidence, Inspection, Measure
from tongban.rectification.selectors import finding_counts, measure_buckets
from tongban.rectification.tests.conftest import PDF_BYTES, docx_bytes, png_bytes, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def codes(measure) -> list[str]:
    return [event.code for event in events_for(measure).order_by("at", "pk")]


def error_code(excinfo) -> str:
    return excinfo.value.code


def with_evidence(measure, by, name="方案.pdf", content=PDF_BYTES):
    return services.add_progress(measure, text="已印发工作方案", files=[upload(name, content)], by=by)


# --- inspections ------------------------------------------------------------------------------------


def test_report_due_date_defaults_to_two_months_after_feedback(county):
    inspection = services.create_inspection(title="巡察", body="县委", inspected_unit=county.center,
                                            feedback_date=date(2023, 6, 17))
    assert inspection.report_due_date == date(2023, 8, 17)


def test_report_due_date_clamps_to_the_end_of_a_short_month(county):
    inspection = services.create_inspection(title="巡察", body="县委", inspected_unit=county.center,
                                            feedback_date=date(2023, 12, 31))
    assert inspection.report_due_date == date(2024, 2, 29)


def test_report_due_date_can_be_overridden(county):
    inspection = services.create_inspection(title="巡察", body="县委", inspected_unit=county.center,
                                            feedback_date=date(2023, 6, 17), report_due_date=date(2023, 9, 1))
    assert Inspection.objects.get(pk=inspection.pk).report_due_date == date(2023, 9, 1)


def test_same_aspect_title_is_reused(ledger, personas):
    again = services.add_aspect(ledger.inspection, title=" 牵头作用发挥不充分，合力不足 ")
    assert again.pk == ledger.aspect.pk
    assert ledger.aspect.label == "（一）牵头作用发挥不充分，合力不足"


def test_rectification_group_has_members_and_office_duties(ledger, personas):
    from tongban.org.models import Staff

    director = Staff.objects.get(user=personas.director)
    chief = Staff.objects.get(user=personas.section_chief)
    group = services.set_rectification_group(
        ledger.inspection, members=[(director, "leader", "中心党组书记、主任"), (chief, "member", "股室负责人")],
    )
    assert [m.get_role_display() for m in group.members.all()] == ["组长", "成员"]
    assert group.office_duties == "协调督办、追责问责、建章立制、信息报送"


# --- measures: creation guards ----------------------------------------------------------------------


def test_a_dated_measure_needs_a_deadline(ledger, county):
    with pytest.raises(ValidationError) as excinfo:
        services.create_measure(finding=ledger.problem, text="x", lead_unit=county.section)
    assert error_code(excinfo) == "measure_deadline_required"


def test_only_ongoing_measures_take_checkpoints(ledger, county):
    with pytest.raises(ValidationError) as excinfo:
        services.create_measure(finding=ledger.problem, text="x", lead_unit=county.section,
                                deadline=date(2023, 9, 30), checkpoints=[date(2023, 8, 1)])
    assert error_code(excinfo) == "measure_checkpoints_only_ongoing"


def test_the_lead_unit_cannot_also_be_a_supporting_unit(ledger, county):
    with pytest.raises(ValidationError) as excinfo:
        services.create_measure(finding=ledger.problem, text="x", lead_unit=county.section,
                                deadline=date(2023, 9, 30), supporting_units=[county.section])
    assert "市场准入股" in excinfo.value.messages[0]


def test_an_inspection_measure_needs_its_finding_and_other_sources_none(ledger, county):
    with pytest.raises(ValidationError) as excinfo:
        services.create_measure(text="x", lead_unit=county.section, deadline=date(2023, 9, 30))
    assert error_code(excinfo) == "measure_source_mismatch"
    complaint = services.create_measure(text="整改窗口服务态度", source_kind="complaint", lead_unit=county.section,
                                        deadline=date(2023, 9, 30))
    assert complaint.finding is None and complaint.get_source_kind_display() == "投诉"


def test_units_on_a_measure_carry_their_roles(ledger, county):
    roles = {(mu.unit.name, mu.role) for mu in ledger.section_measure.unit_roles.all()}
    assert roles == {("市场准入股", "lead"), ("城关镇便民服务中心", "supporting")}


# --- the loop ---------------------------------------------------------------------------------------


def test_start_moves_a_dated_measure_to_in_progress_and_an_ongoing_one_to_ongoing(ledger, personas):
    assert services.start_measure(ledger.section_measure, by=personas.section_chief).status == MeasureStatus.IN_PROGRESS
    assert services.start_measure(ledger.ongoing_measure).status == MeasureStatus.ONGOING
    assert "rectification.measure.started" in codes(ledger.section_measure)


def test_a_measure_cannot_be_started_twice(ledger):
    services.start_measure(ledger.section_measure)
    with pytest.raises(ValidationError) as excinfo:
        services.start_measure(ledger.section_measure)
    assert error_code(excinfo) == "measure_bad_transition"
    assert "整改中" in excinfo.value.messages[0]


def test_first_progress_report_starts_the_measure_and_keeps_the_note(ledger, personas):
    services.add_progress(ledger.section_measure, text="已召开专题会议", by=personas.section_chief)
    measure = Measure.objects.get(pk=ledger.section_measure.pk)
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert measure.progress_note == "已召开专题会议"
    assert codes(measure)[-2:] == ["rectification.measure.started", "rectification.measure.progress"]


def test_progress_needs_text(ledger):
    with pytest.raises(ValidationError) as excinfo:
        services.add_progress(ledger.section_measure, text="  ")
    assert error_code(excinfo) == "measure_progress_text_required"


def test_submit_without_evidence_is_refused(ledger, personas):
    services.add_progress(ledger.section_measure, text="进展", by=personas.section_chief)
    with pytest.raises(ValidationError) as excinfo:
        services.submit_for_signoff(ledger.section_measure, by=personas.section_chief)
    assert error_code(excinfo) == "measure_evidence_required"
    assert "佐证材料" in excinfo.value.messages[0]


def told_to_sign_off() -> set[str]:
    from tongban.notifications.models import Notification

    return set(Notification.objects.filter(code="rectification.measure.submitted")
               .values_list("recipient__username", flat=True))


def test_submit_with_evidence_tells_everyone_who_may_sign_it_off(ledger, personas, django_capture_on_commit_callbacks):
    with_evidence(ledger.section_measure, personas.section_chief)
    with django_capture_on_commit_callbacks(execute=True):
        measure = services.submit_for_signoff(ledger.section_measure, by=personas.section_chief, result="方案已印发")
    assert measure.status == MeasureStatus.PENDING_SIGNOFF and measure.result == "方案已印发"
    # the rectification office, the centre's leader and the administrator — not the unit that applied
    assert told_to_sign_off() == {"office", "director", "admin"}


def test_when_the_office_applies_the_others_who_may_sign_off_are_told_not_the_applicant(
        ledger, personas, django_capture_on_commit_callbacks):
    with_evidence(ledger.section_measure, personas.rectification_office)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_for_signoff(ledger.section_measure, by=personas.rectification_office)
    assert told_to_sign_off() == {"director", "admin"}  # the applicant may not sign off their own request


def test_signers_are_the_people_the_rule_and_the_scope_let_sign_off(ledger, personas):
    from tongban.rectification.todo import signers_for

    measure = ledger.township_measure
    signers = {user.username for user in signers_for(measure)}
    assert signers == {"office", "director", "admin"}
    for user in vars(personas).values():  # the same answer as django-rules gives, person by person
        assert (user.username in signers) == user.has_perm("rectification.signoff_measure", measure), user
    personas.director.staff.is_active = False
    personas.director.staff.save()
    assert {user.username for user in signers_for(measure)} == {"office", "admin"}


def test_a_measure_not_started_cannot_be_submitted(ledger, personas):
    update = services.add_progress(ledger.township_measure, text="x", files=[upload("a.pdf")])
    Measure.objects.filter(pk=ledger.township_measure.pk).update(status=MeasureStatus.NOT_STARTED)
    assert update.evidence.count() == 1
    with pytest.raises(ValidationError) as excinfo:
        services.submit_for_signoff(ledger.township_measure)
    assert error_code(excinfo) == "measure_bad_transition"


def test_verify_signs_off_a_pending_measure(ledger, personas):
    with_evidence(ledger.section_measure, personas.section_chief)
    services.submit_for_signoff(ledger.section_measure)
    measure = services.verify_measure(ledger.section_measure, by=personas.rectification_office)
    assert measure.status == MeasureStatus.VERIFIED
    assert measure.verified_by == personas.rectification_office and measure.verified_at is not None
    assert codes(measure)[-1] == "rectification.measure.verified"


def test_verify_requires_a_pending_signoff(ledger):
    services.start_measure(ledger.section_measure)
    with pytest.raises(ValidationError) as excinfo:
        services.verify_measure(ledger.section_measure)
    assert error_code(excinfo) == "measure_bad_transition"


def test_return_needs_a_reason_and_goes_back_to_work(ledger, personas):
    with_evidence(ledger.section_measure, personas.section_chief)
    services.submit_for_signoff(ledger.section_measure)
    with pytest.raises(ValidationError) as excinfo:
        services.return_measure(ledger.section_measure, reason="")
    assert error_code(excinfo) == "measure_reason_required"
    measure = services.return_measure(ledger.section_measure, reason="佐证材料不全", by=personas.rectification_office)
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert measure.returned_count == 1 and measure.last_return_reason == "佐证材料不全"
    assert codes(measure)[-1] == "rectification.measure.returned"


def test_a_returned_ongoing_measure_stays_ongoing(ledger):
    with_evidence(ledger.ongoing_measure, None)
    services.submit_for_signoff(ledger.ongoing_measure)
    assert services.return_measure(ledger.ongoing_measure, reason="继续坚持").status == MeasureStatus.ONGOING


def test_a_stale_version_is_refused(ledger, personas):
    with_evidence(ledger.section_measure, personas.section_chief)
    stale = Measure.objects.get(pk=ledger.section_measure.pk).version
    services.submit_for_signoff(ledger.section_measure)
    services.return_measure(ledger.section_measure, reason="补充材料")
    with_evidence(ledger.section_measure, personas.section_chief, name="补充材料.pdf")
    services.submit_for_signoff(ledger.section_measure)
    with pytest.raises(ValidationError) as excinfo:
        services.verify_measure(ledger.section_measure, expected_version=stale)
    assert error_code(excinfo) == "stale_version"


# --- ongoing measures and checkpoints ---------------------------------------------------------------


def test_reporting_a_checkpoint_keeps_the_measure_ongoing(ledger, personas):
    checkpoint = ledger.ongoing_measure.checkpoints.first()
    services.report_checkpoint(ledger.ongoing_measure, checkpoint, text="上半年回访 320 件", by=personas.director)
    checkpoint.refresh_from_db()
    assert checkpoint.reported_at is not None and checkpoint.report == "上半年回访 320 件"
    assert Measure.objects.get(pk=ledger.ongoing_measure.pk).status == MeasureStatus.ONGOING
    assert codes(ledger.ongoing_measure)[-1] == "rectification.measure.checkpoint_reported"


def test_a_checkpoint_is_reported_once(ledger):
    checkpoint = ledger.ongoing_measure.checkpoints.first()
    services.report_checkpoint(ledger.ongoing_measure, checkpoint, text="一")
    with pytest.raises(ValidationError) as excinfo:
        services.report_checkpoint(ledger.ongoing_measure, checkpoint, text="二")
    assert error_code(excinfo) == "checkpoint_already_reported"


def test_only_ongoing_measures_report_checkpoints(ledger):
    checkpoint = ledger.ongoing_measure.checkpoints.first()
    with pytest.raises(ValidationError) as excinfo:
        services.report_checkpoint(ledger.section_measure, checkpoint, text="x")
    assert error_code(excinfo) == "measure_not_ongoing"


def test_a_checkpoint_of_another_measure_is_refused(ledger, county):
    other = services.create_measure(finding=ledger.problem, text="另一项长期措施", lead_unit=county.center,
                                    deadline_kind=DeadlineKind.ONGOING, checkpoints=[date(2024, 1, 31)])
    with pytest.raises(ValidationError) as excinfo:
        services.report_checkpoint(ledger.ongoing_measure, other.checkpoints.get(), text="x")
    assert error_code(excinfo) == "checkpoint_other_measure"


# --- overdue is derived -----------------------------------------------------------------------------


def overdue_ids(today):
    return set(Measure.objects.overdue(today).values_list("pk", flat=True))


def test_a_measure_is_overdue_the_day_after_its_due_date(ledger):
    measure = ledger.section_measure  # deadline 2023-09-30, in the National Day holiday: due 10-07 (调休上班)
    assert measure.pk not in overdue_ids(date(2023, 9, 30))
    assert measure.pk not in overdue_ids(date(2023, 10, 7))
    assert measure.pk in overdue_ids(date(2023, 10, 8))


def test_a_verified_measure_is_never_overdue(ledger):
    with_evidence(ledger.section_measure, None)
    services.submit_for_signoff(ledger.section_measure)
    services.verify_measure(ledger.section_measure)
    assert ledger.section_measure.pk not in overdue_ids(date(2024, 1, 1))


def test_an_ongoing_measure_is_overdue_when_a_checkpoint_passes_unreported(ledger):
    measure = ledger.ongoing_measure
    # The checkpoint 2023-12-31 is a Sunday before New Year's Day: due on the first workday, 2024-01-02.
    assert measure.pk not in overdue_ids(date(2024, 1, 2))
    assert measure.pk in overdue_ids(date(2024, 1, 3))
    services.report_checkpoint(measure, measure.checkpoints.first(), text="已报告")
    assert measure.pk not in overdue_ids(date(2024, 1, 3))
    due = Measure.objects.with_overdue(date(2024, 1, 3)).get(pk=measure.pk).due_date
    assert due == date(2024, 7, 1)  # 2024-06-30 is a Sunday


def test_overdue_follows_the_clock(ledger):
    with time_machine.travel(date(2023, 10, 15), tick=False):
        from django.utils import timezone

        assert ledger.section_measure.pk in overdue_ids(timezone.localdate())
        assert ledger.township_measure.pk not in overdue_ids(timezone.localdate())


# --- 回头看 --------------------------------------------------------------------------------------------


def verified(measure):
    with_evidence(measure, None)
    services.submit_for_signoff(measure)
    return services.verify_measure(measure)


def test_a_revisit_is_only_for_verified_measures(ledger):
    with pytest.raises(ValidationError) as excinfo:
        services.schedule_revisit(ledger.section_measure, scheduled_date=date(2024, 3, 1))
    assert error_code(excinfo) == "revisit_not_verified"


@time_machine.travel(date(2024, 3, 5), tick=False)
def test_a_satisfied_revisit_keeps_the_measure_verified(ledger, personas):
    measure = verified(ledger.section_measure)
    revisit = services.schedule_revisit(measure, scheduled_date=date(2024, 3, 1), by=personas.rectification_office)
    services.record_revisit(revisit, done_date=date(2024, 3, 2), satisfied=True, notes="群众满意")
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.VERIFIED


@time_machine.travel(date(2024, 3, 5), tick=False)
def test_an_unsatisfied_revisit_reopens_the_measure_with_a_new_deadline_and_keeps_history(ledger, personas):
    measure = verified(ledger.section_measure)
    revisit = services.schedule_revisit(measure, scheduled_date=date(2024, 3, 1))
    services.record_revisit(revisit, done_date=date(2024, 3, 4), satisfied=False, notes="群众反映仍需跑两次",
                            new_deadline=date(2024, 5, 31), by=personas.rectification_office)
    measure = Measure.objects.get(pk=measure.pk)
    assert measure.status == MeasureStatus.IN_PROGRESS
    assert measure.deadline == date(2024, 5, 31) and measure.reopened_count == 1
    assert measure.verified_at is None
    history = codes(measure)
    assert history.index("rectification.measure.verified") < history.index("rectification.measure.reopened")
    revisit.refresh_from_db()
    assert revisit.satisfied is False and revisit.new_deadline == date(2024, 5, 31)


@time_machine.travel(date(2024, 3, 5), tick=False)
def test_an_unsatisfied_revisit_needs_a_future_deadline(ledger):
    measure = verified(ledger.section_measure)
    revisit = services.schedule_revisit(measure, scheduled_date=date(2024, 3, 1))
    with pytest.raises(ValidationError) as excinfo:
        services.record_revisit(revisit, done_date=date(2024, 3, 2), satisfied=False, new_deadline=date(2024, 3, 1))
    assert error_code(excinfo) == "revisit_new_deadline_required"


@time_machine.travel(date(2024, 3, 5), tick=False)
def test_a_revisit_is_recorded_once(ledger):
    measure = verified(ledger.section_measure)
    revisit = services.schedule_revisit(measure, scheduled_date=date(2024, 3, 1))
    services.record_revisit(revisit, done_date=date(2024, 3, 1), satisfied=True)
    with pytest.raises(ValidationError) as excinfo:
        services.record_revisit(revisit, done_date=date(2024, 3, 2), satisfied=True)
    assert error_code(excinfo) == "revisit_already_done"


@time_machine.travel(date(2024, 3, 5), tick=False)
def test_a_revisit_done_before_its_planned_date_is_recorded(ledger):
    measure = verified(ledger.section_measure)
    revisit = services.schedule_revisit(measure, scheduled_date=date(2024, 3, 20))
    services.record_revisit(revisit, done_date=date(2024, 3, 4), satisfied=True, notes="提前走访")
    revisit.refresh_from_db()
    assert (revisit.done_date, revisit.satisfied) == (date(2024, 3, 4), True)


@time_machine.travel(date(2024, 3, 5), tick=False)
def test_a_revisit_cannot_be_done_later_than_today_and_nothing_changes(ledger):
    measure = verified(ledger.section_measure)
    revisit = services.schedule_revisit(measure, scheduled_date=date(2024, 3, 1))
    events_before = codes(measure)
    with pytest.raises(ValidationError) as excinfo:
        services.record_revisit(revisit, done_date=date(2024, 3, 6), satisfied=False, notes="群众不满意",
                                new_deadline=date(2024, 5, 31))
    assert error_code(excinfo) == "revisit_done_in_future"
    assert excinfo.value.messages == ["回头看完成日期不能晚于今天（2024年3月5日）。"]
    revisit.refresh_from_db()
    assert (revisit.done_date, revisit.satisfied) == (None, None)
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.VERIFIED
    assert codes(measure) == events_before
    services.record_revisit(revisit, done_date=date(2024, 3, 5), satisfied=True)  # today itself is fine


# --- 问责 ---------------------------------------------------------------------------------------------


def test_accountability_targets_a_person_or_a_unit_and_lands_on_the_measures(ledger, county, personas):
    from tongban.org.models import Staff

    with pytest.raises(ValidationError) as excinfo:
        services.record_accountability(action_kind="talk", reason_kind="overdue", measures=[ledger.township_measure],
                                       decided_on=date(2023, 11, 5), decided_by="中心党组")
    assert error_code(excinfo) == "accountability_target"
    with pytest.raises(ValidationError) as excinfo:
        services.record_accountability(action_kind="talk", reason_kind="overdue", measures=[],
                                       target_unit=county.township_a, decided_on=date(2023, 11, 5),
                                       decided_by="中心党组")
    assert error_code(excinfo) == "accountability_measures"
    person = Staff.objects.get(user=personas.township_admin)
    record = services.record_accountability(
        action_kind="talk", reason_kind="superficial", measures=[ledger.township_measure], target_staff=person,
        decided_on=date(2023, 11, 5), decided_by="中心党组", by=personas.rectification_office,
    )
    assert record.unit == county.township_a
    assert str(record) == "约谈：钱乡镇"
    assert codes(ledger.township_measure)[-1] == "rectification.measure.accountability"


# --- evidence files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name,content", [
    ("方案.pdf", PDF_BYTES), ("现场.png", png_bytes()), ("现场.JPEG", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64),
    ("通知.docx", docx_bytes()), ("台账.xlsx", xlsx_bytes()),
])
def test_accepted_evidence_types_are_stored_outside_the_web_root(ledger, settings, name, content):
    update = services.add_progress(ledger.section_measure, text="佐证", files=[upload(name, content)])
    evidence = update.evidence.get()
    path = evidence.file.path
    assert path.startswith(str(settings.MEDIA_ROOT)) and not path.startswith(str(settings.STATIC_ROOT))
    assert open(path, "rb").read() == content
    assert evidence.original_name == name and evidence.size == len(content) and len(evidence.sha256) == 64


@pytest.mark.parametrize("name,content,code", [
    ("脚本.exe", b"MZ\x90\x00", "evidence_type"),
    ("无扩展名", PDF_BYTES, "evidence_type"),
    ("伪装.pdf", png_bytes(), "evidence_magic"),
    ("伪装.png", PDF_BYTES, "evidence_magic"),
    ("伪装.docx", xlsx_bytes(), "evidence_magic"),
    ("伪装.xlsx", b"PK\x03\x04not really a zip", "evidence_magic"),
    ("空.pdf", b"", "evidence_empty"),
])
def test_bad_evidence_is_refused_and_nothing_is_written(ledger, name, content, code):
    with pytest.raises(ValidationError) as excinfo:
        services.add_progress(ledger.section_measure, text="佐证", files=[upload("好的.pdf"), upload(name, content)])
    assert error_code(excinfo) == code
    assert name in excinfo.value.messages[0]
    assert not Evidence.objects.exists()
    assert ledger.section_measure.updates.count() == 0


def test_evidence_over_the_size_limit_is_refused(ledger, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as excinfo:
        services.add_progress(ledger.section_measure, text="佐证", files=[upload("大.pdf", PDF_BYTES + b"0" * 200)])
    assert error_code(excinfo) == "evidence_size"


# --- scope and figures ------------------------------------------------------------------------------


def test_a_measure_is_visible_to_its_lead_and_its_supporting_units_only(ledger, personas):
    township = set(Measure.objects.visible_to(personas.township_admin).values_list("pk", flat=True))
    assert township == {ledger.section_measure.pk, ledger.township_measure.pk}
    other = set(Measure.objects.visible_to(personas.other_township_admin).values_list("pk", flat=True))
    assert other == {ledger.other_township_measure.pk}
    assert Measure.objects.visible_to(personas.inspector).count() == 4


def test_buckets_always_reconcile(ledger):
    verified(ledger.section_measure)
    services.start_measure(ledger.ongoing_measure)
    buckets = measure_buckets(Measure.objects.all(), date(2023, 11, 1))
    assert (buckets.total, buckets.verified, buckets.ongoing, buckets.open) == (4, 1, 1, 2)
    assert buckets.overdue == 2  # the two township measures, due 2023-10-31
    assert finding_counts(ledger.inspection.findings.all()) == {"problem": 1, "suggestion": 1, "total": 2}


# --- overdue on the working-day calendar ------------------------------------------------------------


def test_a_deadline_in_the_national_day_holiday_falls_due_on_the_first_workday_after(ledger, county):
    measure = services.create_measure(finding=ledger.problem, text="国庆期间到期", lead_unit=county.section,
                                      deadline=date(2025, 10, 1))
    row = Measure.objects.with_overdue(date(2025, 10, 9)).get(pk=measure.pk)
    assert row.due_date == date(2025, 10, 9) and not row.is_overdue
    assert measure.pk not in overdue_ids(date(2025, 10, 2))
    assert measure.pk in overdue_ids(date(2025, 10, 10))


def test_an_immediate_measure_without_a_date_falls_due_after_the_policy_workdays(ledger, county, settings):
    from tongban.rectification.models import IMMEDIATE_DUE_WORKDAYS
    from tongban.workdays import clocks as calendar_clocks

    assert IMMEDIATE_DUE_WORKDAYS == 5
    with time_machine.travel("2025-09-26 10:00 +0800", tick=False):
        measure = services.create_measure(finding=ledger.problem, text="立行立改：清理过期公示", lead_unit=county.section,
                                          deadline_kind=DeadlineKind.IMMEDIATE)
    # 5 workdays after Fri 2025-09-26: 09-28 (调休), 09-29, 09-30, 10-09, 10-10.
    assert Measure.objects.with_overdue(date(2025, 10, 10)).get(pk=measure.pk).due_date == date(2025, 10, 10)
    assert measure.pk not in overdue_ids(date(2025, 10, 10))
    assert measure.pk in overdue_ids(date(2025, 10, 11))
    settings.RECTIFICATION_IMMEDIATE_WORKDAYS = 7
    # The stored clocks follow a changed setting once rebuilt (`tongban calendar clocks`).
    assert Measure.objects.get(pk=measure.pk).due_date == date(2025, 10, 10)
    calendar_clocks.recompute_all()
    assert Measure.objects.get(pk=measure.pk).due_date == date(2025, 10, 13)  # 10-11 调休上班


# --- sign-off integrity -----------------------------------------------------------------------------


def test_after_a_return_new_evidence_is_needed_to_submit_again(ledger, personas):
    measure = ledger.section_measure
    with_evidence(measure, personas.section_chief)
    services.submit_for_signoff(measure, by=personas.section_chief)
    services.return_measure(measure, reason="材料不全", by=personas.rectification_office)
    with pytest.raises(ValidationError) as excinfo:
        services.submit_for_signoff(measure, by=personas.section_chief)
    assert error_code(excinfo) == "measure_evidence_since_return"
    with_evidence(measure, personas.section_chief, name="补充材料.pdf")
    assert services.submit_for_signoff(measure, by=personas.section_chief).status == MeasureStatus.PENDING_SIGNOFF


def test_after_a_revisit_reopening_new_evidence_is_needed(ledger, personas):
    measure = ledger.section_measure
    with time_machine.travel("2023-11-01 10:00 +0800"):
        with_evidence(measure, personas.section_chief)
        services.submit_for_signoff(measure, by=personas.section_chief)
        services.verify_measure(measure, by=personas.rectification_office)
    with time_machine.travel("2023-12-01 10:00 +0800"):
        revisit = services.schedule_revisit(measure, scheduled_date=date(2023, 12, 1))
        services.record_revisit(revisit, done_date=date(2023, 12, 1), satisfied=False, notes="群众不满意",
                                new_deadline=date(2024, 1, 31))
    with time_machine.travel("2023-12-05 10:00 +0800"):
        with pytest.raises(ValidationError) as excinfo:
            services.submit_for_signoff(measure, by=personas.section_chief)
        assert error_code(excinfo) == "measure_evidence_since_return"
        with_evidence(measure, personas.section_chief, name="重新整改.pdf")
        assert services.submit_for_signoff(measure, by=personas.section_chief).status == MeasureStatus.PENDING_SIGNOFF


def test_the_submitter_cannot_verify_their_own_submission(ledger, personas):
    measure = ledger.ongoing_measure  # led by the centre: the office may submit it itself
    with_evidence(measure, personas.rectification_office)
    submitted = services.submit_for_signoff(measure, by=personas.rectification_office)
    assert Measure.objects.get(pk=measure.pk).submitted_by == personas.rectification_office
    with pytest.raises(ValidationError) as excinfo:
        services.verify_measure(submitted, by=personas.rectification_office)
    assert error_code(excinfo) == "measure_self_verify"
    assert services.verify_measure(submitted, by=personas.director).status == MeasureStatus.VERIFIED


def test_the_office_signs_off_what_a_unit_submitted(ledger, personas):
    measure = ledger.section_measure
    with_evidence(measure, personas.section_chief)
    services.submit_for_signoff(measure, by=personas.section_chief)
    verified = services.verify_measure(measure, by=personas.rectification_office)
    assert verified.status == MeasureStatus.VERIFIED and verified.verified_by == personas.rectification_office


def test_changing_the_deadline_kind_keeps_the_status_consistent(ledger, personas):
    measure = services.start_measure(ledger.section_measure)
    assert measure.status == MeasureStatus.IN_PROGRESS
    measure = services.update_measure(measure, expected_version=None, deadline_kind=DeadlineKind.ONGOING)
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.ONGOING
    measure = services.update_measure(measure, expected_version=None, deadline_kind=DeadlineKind.DATE,
                                      deadline=date(2023, 12, 31))
    assert Measure.objects.get(pk=measure.pk).status == MeasureStatus.IN_PROGRESS


# --- evidence files and rollbacks -------------------------------------------------------------------


def test_evidence_files_of_a_rolled_back_report_are_removed(ledger, personas, settings):
    from pathlib import Path

    from django.db import transaction

    def stored_files() -> list[Path]:
        return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]

    with pytest.raises(RuntimeError):
        with services.evidence_files_removed_on_error(), transaction.atomic():
            with_evidence(ledger.section_measure, personas.section_chief)
            assert len(stored_files()) == 1
            raise RuntimeError("a later step of the same work fails")
    assert not Evidence.objects.exists()
    assert stored_files() == []
    with_evidence(ledger.section_measure, personas.section_chief)
    assert len(stored_files()) == 1  # a successful report keeps its file
