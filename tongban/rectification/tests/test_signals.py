"""The signals (issue 16): each fires on its case, built through the real services with real files, and on
none of the honest ones; the demo's four planted cases and nothing else; scans are idempotent; a person
decides through the existing 回头看 and 问责 services."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from tongban.history.services import events_for
from tongban.rectification import services
from tongban.rectification.choices import SignalKind, SignalStatus
from tongban.rectification.evidence_samples import docx_bytes, pdf_bytes, photo_bytes, resized
from tongban.rectification.fingerprints import fingerprint_rows
from tongban.rectification.models import Accountability, Evidence, Measure, Revisit, Signal, SignalSettings
from tongban.rectification.signals import decide, scan
from tongban.rectification.tests.conftest import upload

pytestmark = pytest.mark.django_db

NOTICE = ("关于印发《窗口服务规范管理办法》的通知。各股室、各进驻单位：为进一步规范窗口服务行为，提升政务服务质量，"
          "经中心党组研究，现将《窗口服务规范管理办法》印发给你们，请认真贯彻执行。本办法自印发之日起施行，"
          "由办公室负责解释。执行中遇到的问题请及时报告。")
OTHER_NOTICE = ("关于开展窗口人员业务培训的通知。为提高窗口人员业务能力，中心定于每季度第一个月组织一次集中培训，"
                "内容包括政务服务事项办理流程、好差评制度、文明礼仪规范等。请各股室按时组织人员参加，不得缺席，"
                "培训情况纳入年度考核。")


@pytest.fixture(autouse=True)
def _before_the_ledgers_deadlines(request):
    """The `ledger` fixture's deadlines are in 2023: its measures are worked on in time, as honest ones are
    (done today they would be years overdue, then closed at once — a signal). The demo keeps today."""
    if "demo" in request.node.name:
        yield
        return
    with time_machine.travel("2023-08-01 10:00 +0800", tick=True):
        yield


def kinds_by_measure() -> dict[int, set[str]]:
    found = defaultdict(set)
    for kind, measure_id in Signal.objects.filter(active=True).values_list("kind", "measure_id"):
        found[measure_id].add(kind)
    return dict(found)


def close(measure, files, *, office, by, result: str = "已按要求整改到位。"):
    services.add_progress(measure, text="已完成整改。", files=files, by=by)
    services.submit_for_signoff(measure, result=result, by=by)
    services.verify_measure(measure, by=office)


def measures(county, office, count: int, unit=None, deadline=date(2026, 12, 31)) -> list[Measure]:
    return [services.create_measure(text=f"措施{n}", lead_unit=unit or county.section, deadline=deadline, by=office,
                                    source_kind="rating") for n in range(count)]


# --- the same evidence on different measures ------------------------------------------------------


def test_the_same_file_on_two_measures_is_signalled_on_both_naming_the_other(ledger, personas):
    office = personas.rectification_office
    same = pdf_bytes("minutes of the meeting")
    close(ledger.section_measure, [upload("会议纪要.pdf", same)], office=office, by=personas.section_chief)
    close(ledger.township_measure, [upload("纪要.pdf", same)], office=office, by=personas.township_admin)
    scan()
    signals = Signal.objects.filter(kind=SignalKind.SAME_FILE)
    assert {(s.measure_id, s.other_measure_id) for s in signals} == {
        (ledger.section_measure.pk, ledger.township_measure.pk), (ledger.township_measure.pk, ledger.section_measure.pk)}
    sentence = signals.get(measure=ledger.section_measure).sentence
    assert "同一个文件" in sentence and "规范乡镇便民服务中心运行" in sentence and sentence.endswith("。")


def test_different_files_on_two_measures_raise_nothing(ledger, personas):
    office = personas.rectification_office
    close(ledger.section_measure, [upload("纪要.pdf", pdf_bytes("minutes one")), upload("现场.jpg", photo_bytes(1))],
          office=office, by=personas.section_chief)
    close(ledger.township_measure, [upload("纪要.pdf", pdf_bytes("minutes two")), upload("现场.jpg", photo_bytes(2))],
          office=office, by=personas.township_admin)
    scan()
    assert kinds_by_measure() == {}


@pytest.mark.parametrize("copy", [lambda b: resized(b), lambda b: resized(b, scale=0.8, crop=0.03)],
                         ids=["resized and recompressed", "lightly cropped"])
def test_the_same_photo_resized_or_cropped_on_another_measure_is_signalled(ledger, personas, copy):
    office = personas.rectification_office
    original = photo_bytes(7, taken=date(2026, 11, 1))
    close(ledger.section_measure, [upload("整改后.jpg", original)], office=office, by=personas.section_chief)
    close(ledger.township_measure, [upload("现场.jpg", copy(original))], office=office, by=personas.township_admin)
    scan()
    assert kinds_by_measure() == {ledger.section_measure.pk: {SignalKind.SIMILAR_PHOTO},
                                  ledger.township_measure.pk: {SignalKind.SIMILAR_PHOTO}}
    signal = Signal.objects.get(measure=ledger.section_measure)
    assert signal.details["evidence"]["image"] and signal.details["other_evidence"]["name"] == "现场.jpg"


def test_the_photo_threshold_is_a_setting_and_a_stricter_one_clears_the_signal_keeping_it_on_record(ledger, personas):
    office = personas.rectification_office
    original = photo_bytes(7)
    close(ledger.section_measure, [upload("a.jpg", original)], office=office, by=personas.section_chief)
    close(ledger.township_measure, [upload("b.jpg", resized(original, scale=0.8, crop=0.03))], office=office,
          by=personas.township_admin)
    scan()
    assert Signal.objects.unresolved().count() == 2
    SignalSettings.objects.filter(pk=1).update(photo_distance=2)
    result = scan()
    assert result["cleared"] == 2 and Signal.objects.count() == 2 and not Signal.objects.unresolved().exists()


def test_nearly_the_same_document_text_on_two_measures_is_signalled(ledger, personas):
    office = personas.rectification_office
    close(ledger.section_measure, [upload("通知.docx", docx_bytes([NOTICE]))], office=office, by=personas.section_chief)
    close(ledger.township_measure, [upload("通知.docx", docx_bytes([NOTICE.replace("办公室", "综合股")]))],
          office=office, by=personas.township_admin)
    scan()
    assert kinds_by_measure() == {ledger.section_measure.pk: {SignalKind.SIMILAR_TEXT},
                                  ledger.township_measure.pk: {SignalKind.SIMILAR_TEXT}}
    assert Signal.objects.filter(measure=ledger.section_measure).get().details["similarity"] >= 90


def test_two_different_notices_in_the_same_house_style_raise_nothing(ledger, personas):
    office = personas.rectification_office
    close(ledger.section_measure, [upload("通知.docx", docx_bytes([NOTICE]))], office=office, by=personas.section_chief)
    close(ledger.township_measure, [upload("通知.docx", docx_bytes([OTHER_NOTICE]))], office=office,
          by=personas.township_admin)
    scan()
    assert kinds_by_measure() == {}


# --- dates that do not fit ---------------------------------------------------------------------------


def test_evidence_stored_after_the_sign_off_is_signalled(ledger, personas):
    """The loop refuses progress on a signed-off measure; evidence that got there by another route (a data
    fix, an old system's files) is what this signal catches."""
    office = personas.rectification_office
    measure = ledger.section_measure
    close(measure, [upload("方案.pdf", pdf_bytes("plan"))], office=office, by=personas.section_chief)
    with pytest.raises(ValidationError):
        services.add_progress(measure, text="补充", files=[upload("补充.pdf", pdf_bytes("late"))], by=office)
    scan()
    assert kinds_by_measure() == {}
    services.store_evidence(measure.updates.first(), upload("补充.pdf", pdf_bytes("late")), by=office)
    scan()
    assert kinds_by_measure() == {measure.pk: {SignalKind.AFTER_SIGNOFF}}


def test_a_photo_taken_long_before_the_measure_existed_is_signalled_and_a_recent_one_is_not(ledger, personas):
    office = personas.rectification_office
    today = timezone.localdate()
    close(ledger.section_measure, [upload("现场.jpg", photo_bytes(3, taken=today - timedelta(days=400)))],
          office=office, by=personas.section_chief)
    close(ledger.township_measure, [upload("现场.jpg", photo_bytes(4, taken=today))], office=office,
          by=personas.township_admin)
    scan()
    assert kinds_by_measure() == {ledger.section_measure.pk: {SignalKind.PREDATES_MEASURE}}
    assert "早于措施建立" in Signal.objects.get().sentence


def test_months_overdue_then_evidence_request_and_sign_off_within_an_hour_is_signalled(county, personas):
    office = personas.rectification_office
    with time_machine.travel("2026-01-05 09:00 +0800", tick=False):
        late, honest, slow = measures(county, office, 3, deadline=date(2026, 2, 27))
    with time_machine.travel("2026-02-20 09:00 +0800", tick=False):  # before the deadline
        close(honest, [upload("a.pdf", pdf_bytes("a"))], office=office, by=personas.section_chief)
    with time_machine.travel("2026-06-20 09:00 +0800", tick=False):  # long overdue, worked on over weeks
        services.add_progress(slow, text="推进", files=[upload("b.pdf", pdf_bytes("b"))], by=personas.section_chief)
    with time_machine.travel("2026-07-10 09:00 +0800", tick=False):
        services.submit_for_signoff(slow, by=personas.section_chief)
        services.verify_measure(slow, by=office)
    with time_machine.travel("2026-07-10 09:00 +0800", tick=True):  # four months overdue, all at once
        close(late, [upload("c.pdf", pdf_bytes("c"))], office=office, by=personas.section_chief)
    scan()
    assert kinds_by_measure() == {late.pk: {SignalKind.OVERNIGHT}}
    signal = Signal.objects.get()
    assert signal.details["late_days"] >= 120 and "不到 1 小时" in signal.sentence


# --- bulk --------------------------------------------------------------------------------------------


def test_five_measures_of_one_unit_asked_within_minutes_are_signalled_four_are_not(county, personas):
    office = personas.rectification_office
    batch = measures(county, office, 5)
    fewer = measures(county, office, 4, unit=county.township_a)
    for n, measure in enumerate(batch + fewer):
        with time_machine.travel(f"2026-11-20 09:{n:02d} +0800", tick=False):
            by = personas.section_chief if measure.lead_unit_id == county.section.pk else personas.township_admin
            services.add_progress(measure, text="完成", files=[upload("a.pdf", pdf_bytes(f"file {n}"))], by=by)
            services.submit_for_signoff(measure, by=by)
    scan()
    assert kinds_by_measure() == {m.pk: {SignalKind.BULK_SUBMITTED} for m in batch}
    assert "5 项措施" in Signal.objects.filter(measure=batch[0]).get().sentence


def test_a_ledger_imported_as_done_without_evidence_is_signalled(county, personas):
    from tongban.rectification.importing import import_ledger
    from tongban.rectification.ledger_parsing import parse_ledger
    from tongban.rectification.tests.test_signed_off_by_import import rows_with_two_done
    from tongban.rectification.tests.test_importing import messy_ledger

    import_ledger(parse_ledger(messy_ledger(rows_with_two_done())), by=personas.rectification_office)
    scan()
    flagged = Measure.objects.filter(signals__kind=SignalKind.IMPORT_NO_EVIDENCE)
    assert sorted(flagged.values_list("text", flat=True)) == ["制定回访制度", "制定年度工作方案"]
    assert set(Signal.objects.values_list("kind", flat=True)) == {SignalKind.IMPORT_NO_EVIDENCE}


# --- thin evidence; reopened with the same evidence ------------------------------------------------------


def test_a_measurable_result_backed_only_by_a_short_note_is_signalled(ledger, personas):
    office = personas.rectification_office
    note = docx_bytes(["已整改完毕。"])
    close(ledger.section_measure, [upload("说明.docx", note)], office=office, by=personas.section_chief,
          result="印发《窗口服务规范管理办法》，办结率达到100%")
    close(ledger.township_measure, [upload("说明.docx", docx_bytes(["已整改。"])), upload("现场.jpg", photo_bytes(5))],
          office=office, by=personas.township_admin, result="印发《窗口服务规范管理办法》")
    close(ledger.other_township_measure, [upload("说明.docx", docx_bytes(["已完成。"]))], office=office,
          by=personas.other_township_admin, result="已按要求整改到位")
    scan()
    assert kinds_by_measure() == {ledger.section_measure.pk: {SignalKind.THIN_EVIDENCE}}


def test_reopened_by_revisit_and_closed_again_with_the_same_file_is_signalled(ledger, personas):
    office = personas.rectification_office
    box, honest = ledger.section_measure, ledger.township_measure
    photo = photo_bytes(9)
    close(box, [upload("意见箱.jpg", photo)], office=office, by=personas.section_chief)
    close(honest, [upload("台账.jpg", photo_bytes(10))], office=office, by=personas.township_admin)
    for measure in (box, honest):
        revisit = services.schedule_revisit(measure, scheduled_date=timezone.localdate(), by=office)
        services.record_revisit(revisit, done_date=timezone.localdate(), satisfied=False, notes="群众不满意",
                                new_deadline=timezone.localdate() + timedelta(days=30), by=office)
    close(box, [upload("意见箱（新）.jpg", photo)], office=office, by=personas.section_chief)
    close(honest, [upload("台账（新）.jpg", photo_bytes(11))], office=office, by=personas.township_admin)
    scan()
    assert kinds_by_measure() == {box.pk: {SignalKind.REOPENED_SAME_EVIDENCE}}
    assert Signal.objects.get().details["identical"] is True


# --- the demo ----------------------------------------------------------------------------------------


def test_the_demo_plants_four_cases_each_signal_fires_on_its_own_and_on_no_honest_measure(db, settings, tmp_path):
    from tongban.org.demo import build_demo_county
    from tongban.rectification.demo import PLANTED, build_demo_rectification

    build_demo_county()
    build_demo_rectification()
    first, second = PLANTED["similar_photo"]
    by_text = {Measure.objects.get(text=t).pk: t for t in (first, second, PLANTED["overnight"],
                                                           PLANTED["reopened_same_evidence"])}
    batch = set(Measure.objects.filter(lead_unit__name=PLANTED["bulk_signed_off"],
                                       finding__inspection__title="县委第二巡察组巡察反馈意见整改")
                .values_list("pk", flat=True))
    expected = {pk: {SignalKind.SIMILAR_PHOTO} for pk, t in by_text.items() if t in (first, second)}
    expected.update({pk: {SignalKind.OVERNIGHT} for pk, t in by_text.items() if t == PLANTED["overnight"]})
    expected.update({pk: {SignalKind.REOPENED_SAME_EVIDENCE} for pk, t in by_text.items()
                     if t == PLANTED["reopened_same_evidence"]})
    expected.update({pk: {SignalKind.BULK_SIGNED_OFF} for pk in batch})
    assert len(batch) == 5
    assert kinds_by_measure() == expected  # and nothing on the 29 + 8 honest measures
    assert Measure.objects.count() > len(expected) + 30


# --- scanning and deciding -----------------------------------------------------------------------------


@pytest.fixture
def shared_file(ledger, personas):
    same = pdf_bytes("the same file")
    close(ledger.section_measure, [upload("a.pdf", same)], office=personas.rectification_office,
          by=personas.section_chief)
    close(ledger.township_measure, [upload("b.pdf", same)], office=personas.rectification_office,
          by=personas.township_admin)
    scan()
    return Signal.objects.get(measure=ledger.section_measure)


def test_a_second_scan_changes_nothing(shared_file):
    assert scan() == {"found": 2, "created": 0, "updated": 0, "cleared": 0, "fingerprinted": 0}


def test_a_scan_for_some_measures_records_only_what_touches_them(ledger, personas, shared_file):
    Signal.objects.all().delete()
    assert scan([ledger.ongoing_measure.pk])["created"] == 0
    assert scan([ledger.section_measure.pk])["created"] == 2  # both sides of the pair touch it


def test_checked_fine_records_who_and_why_on_the_signal_and_the_timeline(shared_file, personas):
    signal = decide(shared_file, decision=SignalStatus.FINE, reason="两项措施共用同一份会议纪要，属实。",
                    by=personas.rectification_office)
    assert (signal.status, signal.decided_by, signal.reason) == ("fine", personas.rectification_office,
                                                                 "两项措施共用同一份会议纪要，属实。")
    assert "rectification.signal.decided" in [e.code for e in events_for(signal.measure)]
    scan()
    signal.refresh_from_db()
    assert signal.status == "fine" and signal.active  # a scan never undoes a decision


def test_schedule_revisit_uses_the_revisit_service(shared_file, personas):
    signal = decide(shared_file, decision=SignalStatus.REVISIT, reason="需到现场核实", by=personas.director,
                    revisit_date=timezone.localdate() + timedelta(days=7))
    assert Revisit.objects.get() == signal.revisit and signal.revisit.measure_id == signal.measure_id


def test_record_accountability_uses_the_accountability_service(shared_file, personas, county):
    signal = decide(shared_file, decision=SignalStatus.ACCOUNTABILITY, reason="以同一份纪要应付两项整改",
                    by=personas.rectification_office,
                    accountability={"action_kind": "talk", "reason_kind": "perfunctory", "target_unit": county.section,
                                    "decided_on": timezone.localdate(), "decided_by": "中心党组"})
    record = Accountability.objects.get()
    assert signal.accountability == record and list(record.measures.all()) == [signal.measure]
    assert record.notes == "以同一份纪要应付两项整改"


def test_a_signal_is_decided_once_and_needs_a_reason(shared_file, personas):
    with pytest.raises(ValidationError) as empty:
        decide(shared_file, decision=SignalStatus.FINE, reason=" ", by=personas.rectification_office)
    assert empty.value.code == "signal_reason_required"
    decide(shared_file, decision=SignalStatus.FINE, reason="属实", by=personas.rectification_office)
    with pytest.raises(ValidationError) as again:
        decide(shared_file, decision=SignalStatus.FINE, reason="再看", by=personas.director)
    assert again.value.code == "signal_already_decided" and "李整改" in again.value.messages[0]


def test_a_revisit_needs_a_date_and_a_signed_off_measure(ledger, personas):
    office = personas.rectification_office
    same = pdf_bytes("x")
    for measure, by in ((ledger.section_measure, personas.section_chief), (ledger.township_measure, personas.township_admin)):
        services.add_progress(measure, text="完成", files=[upload("a.pdf", same)], by=by)
        services.submit_for_signoff(measure, by=by)
    scan()
    signal = Signal.objects.get(measure=ledger.section_measure)
    with pytest.raises(ValidationError) as no_date:
        decide(signal, decision=SignalStatus.REVISIT, reason="看看", by=office)
    assert no_date.value.code == "signal_revisit_date_required"
    with pytest.raises(ValidationError) as not_verified:
        decide(signal, decision=SignalStatus.REVISIT, reason="看看", by=office, revisit_date=timezone.localdate())
    assert not_verified.value.code == "revisit_not_verified"
    assert Signal.objects.get(pk=signal.pk).status == "open"  # nothing half-done


# --- fingerprints, the job, after each change ----------------------------------------------------------


def test_files_stored_before_fingerprints_existed_are_fingerprinted_in_batches(ledger, personas):
    services.add_progress(ledger.section_measure, text="照片", by=personas.section_chief,
                          files=[upload(f"p{n}.jpg", photo_bytes(n, taken=date(2026, 1, 1))) for n in range(3)]
                          + [upload("n.docx", docx_bytes([NOTICE], created=date(2026, 2, 1)))])
    Evidence.objects.update(phash="", text="", made_on=None, fingerprinted_at=None)
    assert fingerprint_rows(Evidence, batch=2) == 4
    rows = {e.original_name: e for e in Evidence.objects.all()}
    assert len(rows["p0.jpg"].phash) == 16 and rows["p0.jpg"].made_on == date(2026, 1, 1)
    assert rows["n.docx"].text.startswith("关于印发") and rows["n.docx"].made_on == date(2026, 2, 1)
    assert fingerprint_rows(Evidence) == 0


def test_a_damaged_file_is_not_compared_and_stops_nothing(ledger, personas):
    services.add_progress(ledger.section_measure, text="照片", by=personas.section_chief,
                          files=[upload("坏.jpg", b"\xff\xd8\xff" + b"\x00" * 50)])
    scan()
    evidence = Evidence.objects.get()
    assert evidence.fingerprinted_at and evidence.phash == ""


def test_the_nightly_job_runs_once_per_day(shared_file):
    from tongban.jobs.choices import Outcome, Trigger
    from tongban.jobs.services import run_job

    first = run_job("rectification.scan_signals", date(2026, 11, 29), trigger=Trigger.CLI)
    again = run_job("rectification.scan_signals", date(2026, 11, 29), trigger=Trigger.CLI)
    assert first.outcome == Outcome.RAN and first.result["found"] == 2
    assert again.outcome == Outcome.ALREADY_DONE


def test_a_change_rescans_its_measure_once_committed(ledger, personas, django_capture_on_commit_callbacks):
    same = pdf_bytes("same")
    with django_capture_on_commit_callbacks(execute=True):
        services.add_progress(ledger.section_measure, text="a", files=[upload("a.pdf", same)], by=personas.section_chief)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_progress(ledger.township_measure, text="b", files=[upload("b.pdf", same)],
                              by=personas.township_admin)
    assert set(Signal.objects.values_list("kind", "measure_id")) == {
        (SignalKind.SAME_FILE, ledger.section_measure.pk), (SignalKind.SAME_FILE, ledger.township_measure.pk)}
