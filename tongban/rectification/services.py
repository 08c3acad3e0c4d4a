"""Every write of the rectification loop goes through these functions.

Views, the API, the CLI and jobs only parse, authorise and call. Each function is atomic, guards its
transition with a stable error code (`error_codes.RectificationError`), records a domain event on the
measure's timeline and sends its notifications once the transaction has committed.

    not_started ─start/progress─▶ in_progress ─submit (evidence)─▶ pending_signoff ─verify─▶ verified
                                  ongoing ◀──────────── return (reason) ─────┘                │
                                  (reports at checkpoints)        in_progress ◀── revisit unsatisfied
"""
from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from tongban.core.services import update_versioned
from tongban.history.services import record_event, record_events
from tongban.notifications.services import Message, notify, notify_many
from tongban.org.choices import Role
from tongban.org.models import Staff, Unit
from tongban.org.people import person_name
from tongban.rectification.choices import (
    DeadlineKind,
    FindingKind,
    MeasureStatus,
    PlanTaskStatus,
    SourceKind,
    UnitRole,
)
from tongban.rectification.clocks import refresh_measure_clock
from tongban.rectification.error_codes import RectificationError as E
from tongban.rectification.error_codes import rect_error
from tongban.rectification.models import (
    Accountability,
    Aspect,
    Bulletin,
    Checkpoint,
    Evidence,
    Finding,
    GroupMember,
    Inspection,
    Measure,
    MeasureUnit,
    PlanTask,
    ProgressUpdate,
    RectificationGroup,
    Revisit,
    WorkPlan,
    add_months,
    cn_date,
)
from tongban.rectification.todo import signers_for


def scan_after_commit(measure_ids) -> None:
    """The signals (signals.py) of these measures are computed again once this transaction commits."""
    from tongban.rectification.signals import scan_after_commit as schedule

    schedule(measure_ids)

# --------------------------------------------------------------------------------------------------
# Recipients and notifications


def measure_users(measure: Measure):
    """The lead unit's people, plus the responsible leader and person wherever they sit."""
    people = Q(staff__unit_id=measure.lead_unit_id)
    for staff_id in (measure.responsible_leader_id, measure.responsible_person_id):
        if staff_id:
            people |= Q(staff__pk=staff_id)
    return get_user_model().objects.filter(people, is_active=True, staff__is_active=True).distinct()


def notify_on_commit(recipients, *, title: str, body: str = "", link: str = "", code: str = "",
                     dedupe_key: str | None = None, email: bool = True) -> None:
    """Queue a notification for after the commit: a rolled-back transition tells nobody."""
    users = list(recipients)
    if not users:
        return
    transaction.on_commit(
        lambda: notify(users, title=title, body=body, link=link, code=code, dedupe_key=dedupe_key, email=email)
    )


def _tell_measure_people(measure: Measure, code: str, title: str, body: str = "") -> None:
    notify_on_commit(measure_users(measure), title=title, body=body, link=measure.get_absolute_url(),
                     code=f"rectification.measure.{code}")


# --------------------------------------------------------------------------------------------------
# Inspections, the leadership group, aspects, findings


@transaction.atomic
def create_inspection(*, title: str, body: str, inspected_unit: Unit, feedback_date: date, by=None,
                      **fields: Any) -> Inspection:
    inspection = Inspection(title=title, body=body, inspected_unit=inspected_unit, feedback_date=feedback_date,
                            **fields)
    inspection.full_clean()
    inspection.save()
    record_event(inspection, "rectification.inspection.created",
                 f"登记{inspection.get_kind_display()}“{inspection.title}”，反馈日期 {cn_date(feedback_date)}，"
                 f"整改报告须于 {cn_date(inspection.report_due_date)} 前报送", by=by)
    return inspection


def update_inspection(inspection: Inspection, *, expected_version: int | None, by=None, **changes: Any) -> Inspection:
    with transaction.atomic():
        inspection = update_versioned(inspection, expected_version=expected_version, changes=changes)
        record_event(inspection, "rectification.inspection.updated", f"修改巡察“{inspection.title}”", by=by,
                     fields=sorted(changes))
    return inspection


@transaction.atomic
def set_rectification_group(inspection: Inspection, *, members: Sequence[tuple[Staff, str, str]],
                            name: str | None = None, office_unit: Unit | None = None,
                            office_duties: str | None = None, by=None) -> RectificationGroup:
    """Set up (or replace) the leadership group: `members` are (staff, role, title) in order."""
    group, _ = RectificationGroup.objects.get_or_create(inspection=inspection)
    for field, value in (("name", name), ("office_unit", office_unit), ("office_duties", office_duties)):
        if value is not None:
            setattr(group, field, value)
    group.full_clean()
    group.save()
    group.members.all().delete()
    for order, (staff, role, title) in enumerate(members, start=1):
        GroupMember.objects.create(group=group, staff=staff, role=role, title=title, sort_order=order)
    record_event(inspection, "rectification.group.updated",
                 f"设立“{group.name}”，成员 {len(members)} 人", by=by)
    return group


@transaction.atomic
def add_aspect(inspection: Inspection, *, title: str, number: int | None = None, by=None) -> Aspect:
    title = title.strip()
    aspect = Aspect.objects.filter(inspection=inspection, title=title).first()
    if aspect:
        return aspect
    if number is None:
        number = (inspection.aspects.aggregate(n=Max("number"))["n"] or 0) + 1
    aspect = Aspect.objects.create(inspection=inspection, title=title, number=number)
    record_event(inspection, "rectification.aspect.created", f"新增问题方面“{aspect.label}”", by=by)
    return aspect


@transaction.atomic
def add_finding(inspection: Inspection, *, description: str, kind: str = FindingKind.PROBLEM,
                aspect: Aspect | None = None, number: int | None = None, by=None) -> Finding:
    if aspect is not None and aspect.inspection_id != inspection.pk:
        raise rect_error(E.FINDING_OTHER_INSPECTION)
    if number is None:
        siblings = Finding.objects.filter(inspection=inspection, aspect=aspect)
        number = (siblings.aggregate(n=Max("number"))["n"] or 0) + 1
    finding = Finding(inspection=inspection, aspect=aspect, description=description.strip(), kind=kind, number=number)
    finding.full_clean()
    finding.save()
    # On the finding's own timeline: the inspection's is seen by units that may not see this finding.
    record_event(finding, "rectification.finding.created",
                 f"新增{finding.get_kind_display()}：{finding.description[:60]}", by=by, inspection=inspection.pk)
    return finding


# --------------------------------------------------------------------------------------------------
# Measures


def _check_measure(measure: Measure, checkpoints: Iterable[date] = ()) -> None:
    """Preconditions every created or edited measure must meet."""
    if measure.deadline_kind == DeadlineKind.DATE and measure.deadline is None:
        raise rect_error(E.DEADLINE_REQUIRED)
    if list(checkpoints) and measure.deadline_kind != DeadlineKind.ONGOING:
        raise rect_error(E.CHECKPOINTS_ONLY_ONGOING)
    is_finding = measure.source_kind == SourceKind.INSPECTION_FINDING
    if is_finding != bool(measure.finding_id):
        raise rect_error(E.SOURCE_MISMATCH)


def _set_units(measure: Measure, coordinating: Iterable[Unit], supporting: Iterable[Unit]) -> None:
    coordinating, supporting = list(coordinating), list(supporting)
    for unit in (*coordinating, *supporting):
        if unit.pk == measure.lead_unit_id:
            raise rect_error(E.LEAD_UNIT_TWICE, unit=unit.name)
    rows = [MeasureUnit(measure=measure, unit=measure.lead_unit, role=UnitRole.LEAD)]
    seen = {measure.lead_unit_id}
    for role, units in ((UnitRole.COORDINATING, coordinating), (UnitRole.SUPPORTING, supporting)):
        for unit in units:
            if unit.pk not in seen:
                seen.add(unit.pk)
                rows.append(MeasureUnit(measure=measure, unit=unit, role=role))
    measure.unit_roles.all().delete()
    MeasureUnit.objects.bulk_create(rows)


def status_for_deadline_kind(status: str, deadline_kind: str) -> str:
    """A measure at work is 长期持续整改 exactly when it is 长期坚持; no other status follows the kind."""
    if status == MeasureStatus.IN_PROGRESS and deadline_kind == DeadlineKind.ONGOING:
        return MeasureStatus.ONGOING
    if status == MeasureStatus.ONGOING and deadline_kind != DeadlineKind.ONGOING:
        return MeasureStatus.IN_PROGRESS
    return status


def _working_status(measure: Measure) -> str:
    return MeasureStatus.ONGOING if measure.deadline_kind == DeadlineKind.ONGOING else MeasureStatus.IN_PROGRESS


@transaction.atomic
def create_measure(*, text: str, lead_unit: Unit, finding: Finding | None = None,
                   source_kind: str = SourceKind.INSPECTION_FINDING, source=None,
                   coordinating_units: Iterable[Unit] = (), supporting_units: Iterable[Unit] = (),
                   checkpoints: Iterable[date] = (), number: int | None = None, by=None,
                   **fields: Any) -> Measure:
    """A new measure: from an inspection finding, or (X1) from any other source record."""
    checkpoints = sorted(set(checkpoints))
    if number is None:
        siblings = Measure.objects.filter(finding=finding) if finding else Measure.objects.filter(finding__isnull=True)
        number = (siblings.aggregate(n=Max("number"))["n"] or 0) + 1
    measure = Measure(text=text.strip(), lead_unit=lead_unit, finding=finding, source_kind=source_kind,
                      number=number, **fields)
    if source is not None:
        measure.source_type = ContentType.objects.get_for_model(source)
        measure.source_id = str(source.pk)
    _check_measure(measure, checkpoints)
    measure.full_clean()
    measure.save()
    _set_units(measure, coordinating_units, supporting_units)
    Checkpoint.objects.bulk_create([Checkpoint(measure=measure, due_date=day) for day in checkpoints])
    refresh_measure_clock(measure)
    record_event(measure, "rectification.measure.created",
                 f"新增整改措施，牵头单位“{lead_unit.name}”，时限：{measure.deadline_label or '未定'}", by=by)
    _tell_measure_people(measure, "created", f"新的整改任务：{measure.text[:40]}",
                         f"牵头单位：{lead_unit.name}；完成时限：{measure.deadline_label}")
    return measure


def update_measure(measure: Measure, *, expected_version: int | None, by=None,
                   coordinating_units: Iterable[Unit] | None = None, supporting_units: Iterable[Unit] | None = None,
                   checkpoints: Iterable[date] | None = None, **changes: Any) -> Measure:
    """Edit what a measure says (text, units, people, deadline); its state changes only by transitions,
    except that a measure at work follows its deadline kind (长期坚持 ⇄ 长期持续整改)."""
    with transaction.atomic():
        if "deadline_kind" in changes:
            current = Measure.objects.values_list("status", flat=True).get(pk=measure.pk)
            consistent = status_for_deadline_kind(current, changes["deadline_kind"])
            if consistent != current:
                changes["status"] = consistent
        measure = update_versioned(measure, expected_version=expected_version, changes=changes)
        _check_measure(measure, checkpoints or ())
        if coordinating_units is not None or supporting_units is not None or "lead_unit" in changes:
            _set_units(measure,
                       coordinating_units if coordinating_units is not None else measure.coordinating_units,
                       supporting_units if supporting_units is not None else measure.supporting_units)
        if checkpoints is not None:
            keep = set(checkpoints)
            measure.checkpoints.filter(reported_at__isnull=True).exclude(due_date__in=keep).delete()
            existing = set(measure.checkpoints.values_list("due_date", flat=True))
            Checkpoint.objects.bulk_create([Checkpoint(measure=measure, due_date=d) for d in sorted(keep - existing)])
        refresh_measure_clock(measure)  # the deadline, its kind or the checkpoints may have moved
        record_event(measure, "rectification.measure.updated", "修改整改措施", by=by, fields=sorted(changes))
    return measure


def _transition(measure: Measure, *, allowed: Iterable[str], action: str, expected_version: int | None,
                changes: dict[str, Any]) -> Measure:
    """Lock the measure, check its *current* state, apply `changes` as a new version."""
    current = Measure.objects.select_for_update().get(pk=measure.pk)
    if current.status not in allowed:
        raise rect_error(E.BAD_TRANSITION, status=current.get_status_display(), action=action)
    return update_versioned(current, expected_version=expected_version, changes=changes)


@transaction.atomic
def start_measure(measure: Measure, *, by=None, expected_version: int | None = None) -> Measure:
    measure = _transition(measure, allowed=[MeasureStatus.NOT_STARTED], action="启动整改",
                          expected_version=expected_version, changes={"status": _working_status(measure)})
    record_event(measure, "rectification.measure.started", f"启动整改（{measure.get_status_display()}）", by=by)
    return measure


_stored_evidence: ContextVar[list | None] = ContextVar("rectification_stored_evidence", default=None)


@contextmanager
def evidence_files_removed_on_error():
    """Evidence files are written to storage inside the transaction; if the block fails (and the
    transaction rolls back) the files written in it are deleted, so no file is left without its row.
    Nested uses share the outermost block."""
    if _stored_evidence.get() is not None:
        yield
        return
    token = _stored_evidence.set([])
    try:
        yield
    except BaseException:
        for name in _stored_evidence.get():
            Evidence._meta.get_field("file").storage.delete(name)
        raise
    finally:
        _stored_evidence.reset(token)


def atomic_with_evidence(func):
    """`transaction.atomic`, and the evidence files written inside removed again if it fails."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        with evidence_files_removed_on_error(), transaction.atomic():
            return func(*args, **kwargs)
    return wrapper


@atomic_with_evidence
def add_progress(measure: Measure, *, text: str, files: Sequence[UploadedFile] = (), by=None,
                 checkpoint: Checkpoint | None = None) -> ProgressUpdate:
    """Report progress with optional evidence; the first report also starts a measure not yet started."""
    text = (text or "").strip()
    if not text:
        raise rect_error(E.PROGRESS_TEXT_REQUIRED)
    for upload in files:
        check_evidence_file(upload)
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.status == MeasureStatus.VERIFIED:
        raise rect_error(E.BAD_TRANSITION, status=measure.get_status_display(), action="填报进展")
    if measure.status == MeasureStatus.NOT_STARTED:
        measure = start_measure(measure, by=by)
    update = ProgressUpdate.objects.create(measure=measure, text=text, by=_user(by), checkpoint=checkpoint)
    for upload in files:
        store_evidence(update, upload, by=by)
    Measure.objects.filter(pk=measure.pk).update(progress_note=text)
    measure.progress_note = text
    names = "、".join(f.name for f in files)
    record_event(measure, "rectification.measure.progress",
                 f"填报整改进展{f'，上传佐证材料：{names}' if names else ''}", by=by, update=update.pk)
    if files:
        scan_after_commit([measure.pk])
    return update


@transaction.atomic
def submit_for_signoff(measure: Measure, *, by=None, result: str = "", expected_version: int | None = None) -> Measure:
    """申请销号: only with at least one piece of evidence on the measure, and, after a 退回 or a 回头看
    reopening, with evidence uploaded since (the old evidence was found wanting)."""
    evidence = Evidence.objects.filter(update__measure=measure)
    if not evidence.exists():
        raise rect_error(E.EVIDENCE_REQUIRED)
    rework_since = Measure.objects.filter(pk=measure.pk).values_list("rework_since", flat=True).get()
    if rework_since and not evidence.filter(created_at__gt=rework_since).exists():
        raise rect_error(E.EVIDENCE_SINCE_RETURN)
    changes = {"status": MeasureStatus.PENDING_SIGNOFF, "submitted_at": timezone.now(), "submitted_by": _user(by)}
    if result.strip():
        changes["result"] = result.strip()
    measure = _transition(measure, allowed=[MeasureStatus.IN_PROGRESS, MeasureStatus.ONGOING], action="申请销号",
                          expected_version=expected_version, changes=changes)
    record_event(measure, "rectification.measure.submitted", "申请销号", by=by)
    scan_after_commit([measure.pk])
    # Everyone who may sign it off (and can see it), never the applicant: todo.signers_for.
    notify_on_commit(signers_for(measure), title=f"待审核销号：{measure.text[:40]}",
                     body=f"牵头单位：{measure.lead_unit}；申请人：{person_name(_user(by))}。请审核佐证材料后销号或退回。",
                     link=measure.get_absolute_url(), code="rectification.measure.submitted")
    return measure


@transaction.atomic
def verify_measure(measure: Measure, *, by=None, comment: str = "", expected_version: int | None = None) -> Measure:
    """销号: the rectification office accepts the measure as done (已整改到位), never the person who
    asked for it (four eyes)."""
    submitter = Measure.objects.filter(pk=measure.pk).values_list("submitted_by", flat=True).get()
    if submitter is not None and _user(by) is not None and by.pk == submitter:
        raise rect_error(E.SELF_VERIFY)
    measure = _transition(measure, allowed=[MeasureStatus.PENDING_SIGNOFF], action="销号",
                          expected_version=expected_version,
                          changes={"status": MeasureStatus.VERIFIED, "verified_at": timezone.now(),
                                   "verified_by": _user(by)})
    record_event(measure, "rectification.measure.verified", f"审核通过，已整改到位{f'：{comment}' if comment else ''}",
                 by=by)
    _tell_measure_people(measure, "verified", f"已销号：{measure.text[:40]}", comment)
    scan_after_commit([measure.pk])
    return measure


@transaction.atomic
def return_measure(measure: Measure, *, reason: str, by=None, expected_version: int | None = None) -> Measure:
    """退回: back to work, with the reason the unit must address."""
    reason = (reason or "").strip()
    if not reason:
        raise rect_error(E.REASON_REQUIRED)
    current = Measure.objects.get(pk=measure.pk)
    measure = _transition(measure, allowed=[MeasureStatus.PENDING_SIGNOFF], action="退回",
                          expected_version=expected_version,
                          changes={"status": _working_status(current), "last_return_reason": reason,
                                   "returned_count": current.returned_count + 1, "submitted_at": None,
                                   "submitted_by": None, "rework_since": timezone.now()})
    record_event(measure, "rectification.measure.returned", f"退回：{reason}", by=by, reason=reason)
    _tell_measure_people(measure, "returned", f"销号申请被退回：{measure.text[:40]}", reason)
    return measure


@atomic_with_evidence
def report_checkpoint(measure: Measure, checkpoint: Checkpoint, *, text: str, files: Sequence[UploadedFile] = (),
                      by=None) -> ProgressUpdate:
    """An ongoing measure reports at a time node and stays 长期持续整改."""
    if measure.deadline_kind != DeadlineKind.ONGOING:
        raise rect_error(E.NOT_ONGOING)
    checkpoint = Checkpoint.objects.select_for_update().get(pk=checkpoint.pk)
    if checkpoint.measure_id != measure.pk:
        raise rect_error(E.CHECKPOINT_OTHER_MEASURE)
    if checkpoint.reported_at:
        raise rect_error(E.CHECKPOINT_DONE, due=checkpoint.due_date.isoformat(),
                         reported=timezone.localtime(checkpoint.reported_at).date().isoformat())
    update = add_progress(measure, text=text, files=files, by=by, checkpoint=checkpoint)
    checkpoint.reported_at = timezone.now()
    checkpoint.reported_by = _user(by)
    checkpoint.report = update.text
    checkpoint.save()
    refresh_measure_clock(measure)  # now due at the next checkpoint not reported
    record_event(measure, "rectification.measure.checkpoint_reported",
                 f"报告时间节点 {cn_date(checkpoint.due_date)} 的阶段性进展", by=by, checkpoint=checkpoint.pk)
    return update


@transaction.atomic
def reopen_measure(measure: Measure, *, new_deadline: date, reason: str, by=None) -> Measure:
    """A verified measure goes back to work with a new deadline; its history stays."""
    if new_deadline is None or new_deadline <= timezone.localdate():
        raise rect_error(E.REOPEN_DEADLINE)
    current = Measure.objects.get(pk=measure.pk)
    measure = _transition(measure, allowed=[MeasureStatus.VERIFIED], action="重新整改", expected_version=None,
                          changes={"status": MeasureStatus.IN_PROGRESS, "deadline_kind": DeadlineKind.DATE,
                                   "deadline": new_deadline, "verified_at": None, "verified_by": None,
                                   "submitted_at": None, "submitted_by": None, "rework_since": timezone.now(),
                                   "reopened_count": current.reopened_count + 1})
    refresh_measure_clock(measure)
    record_event(measure, "rectification.measure.reopened",
                 f"重新整改：{reason}；新的完成时限 {cn_date(new_deadline)}", by=by, reason=reason,
                 new_deadline=new_deadline, old_deadline=current.deadline)
    _tell_measure_people(measure, "reopened", f"需重新整改：{measure.text[:40]}",
                         f"{reason}；新的完成时限 {cn_date(new_deadline)}")
    return measure


# The three sign-off transitions by name, with the one free-text argument each takes (the pages and
# the API dispatch on these names).
TRANSITIONS = {
    "submit": (submit_for_signoff, "result"),
    "verify": (verify_measure, "comment"),
    "return": (return_measure, "reason"),
}


# --------------------------------------------------------------------------------------------------
# 回头看 and 问责


@transaction.atomic
def schedule_revisit(measure: Measure, *, scheduled_date: date, by=None) -> Revisit:
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    if measure.status != MeasureStatus.VERIFIED:
        raise rect_error(E.REVISIT_NOT_VERIFIED)
    revisit = Revisit.objects.create(measure=measure, scheduled_date=scheduled_date, scheduled_by=_user(by))
    record_event(measure, "rectification.revisit.scheduled", f"安排 {cn_date(scheduled_date)} 回头看", by=by,
                 revisit=revisit.pk)
    _tell_measure_people(measure, "revisit_scheduled", f"回头看安排：{measure.text[:40]}",
                         f"计划于 {cn_date(scheduled_date)} 开展回头看")
    return revisit


def check_revisit_done_date(done_date: date, *, today: date | None = None) -> None:
    """A 回头看 is recorded once it has happened: its date may be before the planned one (it was done
    early), never after today. The form and the API check with this too, so all three say the same."""
    today = today or timezone.localdate()
    if done_date > today:
        raise rect_error(E.REVISIT_DONE_FUTURE, today=cn_date(today))


@transaction.atomic
def record_revisit(revisit: Revisit, *, done_date: date, satisfied: bool, notes: str = "",
                   new_deadline: date | None = None, by=None) -> Revisit:
    """Record the outcome; unsatisfied (群众不满意) reopens the measure with `new_deadline`."""
    revisit = Revisit.objects.select_for_update().get(pk=revisit.pk)
    if revisit.done_date:
        raise rect_error(E.REVISIT_DONE, done=revisit.done_date.isoformat())
    check_revisit_done_date(done_date)
    if not satisfied and (new_deadline is None or new_deadline <= timezone.localdate()):
        raise rect_error(E.REOPEN_DEADLINE)
    revisit.done_date, revisit.satisfied, revisit.notes = done_date, satisfied, notes.strip()
    revisit.new_deadline = None if satisfied else new_deadline
    revisit.recorded_by = _user(by)
    revisit.save()
    verdict = "群众满意，整改成果巩固" if satisfied else "群众不满意，需重新整改"
    record_event(revisit.measure, "rectification.revisit.recorded", f"回头看（{cn_date(done_date)}）：{verdict}",
                 by=by, revisit=revisit.pk, satisfied=satisfied)
    if not satisfied:
        reopen_measure(revisit.measure, new_deadline=new_deadline, reason=f"回头看群众不满意：{notes.strip() or '—'}",
                       by=by)
        scan_after_commit([revisit.measure_id])
    return revisit


@transaction.atomic
def record_accountability(*, action_kind: str, reason_kind: str, measures: Sequence[Measure], decided_on: date,
                          decided_by: str, target_staff: Staff | None = None, target_unit: Unit | None = None,
                          notes: str = "", by=None) -> Accountability:
    if (target_staff is None) == (target_unit is None):
        raise rect_error(E.ACCOUNTABILITY_TARGET)
    if not measures:
        raise rect_error(E.ACCOUNTABILITY_MEASURES)
    record = Accountability(action_kind=action_kind, reason_kind=reason_kind, target_staff=target_staff,
                            target_unit=target_unit, unit=target_unit or target_staff.unit, decided_on=decided_on,
                            decided_by=decided_by.strip(), notes=notes.strip(), recorded_by=_user(by))
    record.full_clean()
    record.save()
    record.measures.set(measures)
    message = (f"问责：对{record.target_label}{record.get_action_kind_display()}"
               f"（{record.get_reason_kind_display()}，{record.decided_by}，{cn_date(decided_on)}）")
    record_event(record, "rectification.accountability.recorded", message, by=by)
    for measure in measures:
        record_event(measure, "rectification.measure.accountability", message, by=by, related=record,
                     accountability=record.pk)
    return record


# --------------------------------------------------------------------------------------------------
# Work plans


@transaction.atomic
def create_work_plan(*, title: str, year: int, unit: Unit, inspection: Inspection | None = None,
                     description: str = "", by=None) -> WorkPlan:
    plan = WorkPlan(title=title, year=year, unit=unit, inspection=inspection, description=description)
    plan.full_clean()
    plan.save()
    record_event(plan, "rectification.plan.created", f"制定“{plan.title}”", by=by)
    return plan


@transaction.atomic
def add_plan_task(plan: WorkPlan, *, title: str, lead_unit: Unit, description: str = "",
                  units: Iterable[Unit] = (), leaders: Iterable[Staff] = (), deadline: date | None = None,
                  number: int | None = None, by=None) -> PlanTask:
    if number is None:
        number = (plan.tasks.aggregate(n=Max("number"))["n"] or 0) + 1
    task = PlanTask(plan=plan, number=number, title=title, description=description, lead_unit=lead_unit,
                    deadline=deadline)
    task.full_clean()
    task.save()
    task.units.set(units)
    task.leaders.set(leaders)
    record_event(plan, "rectification.plan.task_added", f"分解任务 {number}．{title}", by=by, task=task.pk)
    return task


def set_plan_task_status(task: PlanTask, *, status: str, expected_version: int | None = None, by=None) -> PlanTask:
    with transaction.atomic():
        old = task.get_status_display()
        task = update_versioned(task, expected_version=expected_version, changes={"status": status})
        record_event(task.plan, "rectification.plan.task_status",
                     f"任务 {task.number}．{task.title}：{old} → {PlanTaskStatus(status).label}", by=by, task=task.pk)
    return task


# --------------------------------------------------------------------------------------------------
# Evidence files: type by extension AND content, size limit, stored outside the web root.

EVIDENCE_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSION_ALIASES = {"jpeg": "jpg"}
OOXML_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


def _content_matches(upload: UploadedFile, ext: str) -> bool:
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext == "jpg":
        return head.startswith(b"\xff\xd8\xff")
    if ext == "png":
        return head == b"\x89PNG\r\n\x1a\n"
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as archive:
            return OOXML_MARKERS[ext] in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def check_evidence_file(upload: UploadedFile, *, allowed: Iterable[str] = tuple(EVIDENCE_TYPES)) -> str:
    """The normalised extension of an acceptable file (evidence by default, or only `allowed` types,
    e.g. a ledger upload): type by extension AND content, size within settings.UPLOAD_MAX_BYTES.
    A coded ValidationError otherwise."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    ext = EXTENSION_ALIASES.get(ext, ext)
    allowed = tuple(allowed)
    if ext not in allowed:
        raise rect_error(E.EVIDENCE_TYPE, name=name, allowed="、".join(a.upper() for a in allowed))
    if not upload.size:
        raise rect_error(E.EVIDENCE_EMPTY, name=name)
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise rect_error(E.EVIDENCE_SIZE, name=name, size_mb=f"{upload.size / 1048576:.1f}",
                         limit_mb=f"{settings.UPLOAD_MAX_BYTES / 1048576:.0f}")
    if not _content_matches(upload, ext):
        raise rect_error(E.EVIDENCE_MAGIC, name=name, ext=ext.upper())
    return ext


def store_evidence(update: ProgressUpdate, upload: UploadedFile, *, by=None) -> Evidence:
    ext = check_evidence_file(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(update=update, original_name=upload.name[:200], extension=ext, size=upload.size,
                        sha256=digest.hexdigest(), uploaded_by=_user(by))
    evidence.file.save(upload.name, upload, save=False)
    stored = _stored_evidence.get()
    if stored is not None:
        stored.append(evidence.file.name)
    evidence.save()
    return evidence


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


# --------------------------------------------------------------------------------------------------
# 日监测、周提醒、月通报 (called by the jobs in jobs.py; each idempotent for its day, week or month)


OVERDUE_LIST_LIMIT = 30  # measures named in one grouped overdue message; the rest are counted
CLAIM_BATCH = 500  # measures claimed per short transaction by the daily job


def record_overdue(today: date, *, progress=None) -> dict:
    """日监测: record one `overdue` event per measure per due date — overdue measures, and ongoing ones
    past a checkpoint not reported — and send each person concerned ONE message for the day listing them.

    Never holds the database's write lock across a slow query: the candidates are read outside any
    transaction (two indexed columns, status and due_date), then claimed CLAIM_BATCH at a time, each
    batch in its own short transaction — one conditional UPDATE … RETURNING sets
    `overdue_recorded_for` on the rows still unclaimed for their due date (a second worker's claim
    wins, nothing is recorded twice) and the batch's events are written in bulk. The messages go out
    once all batches are claimed, in one `notify_many` with a dedupe key per recipient and day; a
    measure given a new deadline that passes again is recorded again.
    """
    unclaimed = Measure.objects.past_due(today).exclude(overdue_recorded_for=F("due_date"))
    candidates = list(unclaimed.order_by("due_date", "pk").values_list("pk", flat=True))
    claimed: list[Measure] = []
    for first in range(0, len(candidates), CLAIM_BATCH):
        with transaction.atomic():
            batch = _claim_overdue(unclaimed.filter(pk__in=candidates[first:first + CLAIM_BATCH]))
            _record_overdue_events(batch, today)
        claimed += batch
        if progress:
            progress(min(first + CLAIM_BATCH, len(candidates)), len(candidates))
    _notify_overdue(claimed, today)
    figures = Measure.objects.aggregate(**{name: Count("pk", filter=q) for name, q in _clock_buckets(today).items()})
    return {**figures, "recorded": len(claimed)}


def _clock_buckets(today: date) -> dict:
    from tongban.rectification.selectors import CLOCK_BUCKETS, bucket_q

    buckets = bucket_q(today)
    return {name: buckets[name] for name in CLOCK_BUCKETS}


def _claim_overdue(batch) -> list[Measure]:
    """Set `overdue_recorded_for` to the due date on the rows of `batch` (a queryset that still says
    which rows are unclaimed), in one UPDATE … RETURNING (PostgreSQL, SQLite ≥ 3.35); the claimed
    measures, with their lead unit."""
    table = connection.ops.quote_name(Measure._meta.db_table)
    where, params = batch.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        pk = connection.ops.quote_name(Measure._meta.pk.column)
        cursor.execute(f"UPDATE {table} SET overdue_recorded_for = due_date WHERE {pk} IN ({where}) RETURNING {pk}",
                       params)
        ids = [row[0] for row in cursor.fetchall()]
    return list(Measure.objects.filter(pk__in=ids).select_related("lead_unit").order_by("due_date", "pk"))


def _record_overdue_events(measures: list[Measure], today: date) -> None:
    """One event per measure, written in bulk per (due date, kind of lateness)."""
    groups: dict[tuple[date, bool], list[Measure]] = {}
    for measure in measures:
        groups.setdefault((measure.due_date, measure.status == MeasureStatus.ONGOING), []).append(measure)
    for (due, ongoing), items in groups.items():
        days = (today - due).days
        what = (f"时间节点逾期：应于 {cn_date(due)} 报告阶段性进展，尚未报告" if ongoing
                else f"已逾期：应于 {cn_date(due)} 完成，尚未销号")
        record_events(items, "rectification.measure.overdue", f"{what}（截至 {cn_date(today)} 逾期 {days} 天）",
                      due_date=due)


def _recipients(measures: list[Measure]) -> dict[int, list[Measure]]:
    """Who hears about each measure: the lead unit's people and the responsible leader and person,
    as {user id: their measures}, from one query."""
    unit_ids = {m.lead_unit_id for m in measures}
    staff_ids = {pk for m in measures for pk in (m.responsible_leader_id, m.responsible_person_id) if pk}
    by_unit: dict[int, set[int]] = {}
    by_staff: dict[int, set[int]] = {}
    for user_id, unit_id, staff_id in get_user_model().objects.filter(
        Q(staff__unit_id__in=unit_ids) | Q(staff__pk__in=staff_ids), is_active=True, staff__is_active=True,
    ).values_list("pk", "staff__unit_id", "staff__pk"):
        by_unit.setdefault(unit_id, set()).add(user_id)
        by_staff.setdefault(staff_id, set()).add(user_id)
    per_user: dict[int, list[Measure]] = {}
    for measure in measures:
        users = set(by_unit.get(measure.lead_unit_id, ()))
        for staff_id in (measure.responsible_leader_id, measure.responsible_person_id):
            users |= by_staff.get(staff_id, set())
        for user_id in users:
            per_user.setdefault(user_id, []).append(measure)
    return per_user


def _notify_overdue(measures: list[Measure], today: date) -> None:
    """One message per recipient listing their measures; recipients with the same list share one
    message, and every message goes out in one `notify_many`."""
    if not measures:
        return
    groups: dict[tuple[int, ...], list[int]] = {}
    for user_id, items in _recipients(measures).items():
        groups.setdefault(tuple(m.pk for m in items), []).append(user_id)
    lookup = {m.pk: m for m in measures}
    messages = []
    for pks, users in groups.items():
        items = [lookup[pk] for pk in pks]
        lines = [f"{n}. {m.text[:40]}（牵头单位：{m.lead_unit}；"
                 f"{'时间节点' if m.status == MeasureStatus.ONGOING else '应于'} {cn_date(m.due_date)}"
                 f"{'未报告' if m.status == MeasureStatus.ONGOING else ' 完成'}）"
                 for n, m in enumerate(items[:OVERDUE_LIST_LIMIT], start=1)]
        if len(items) > OVERDUE_LIST_LIMIT:
            lines.append(f"……另有 {len(items) - OVERDUE_LIST_LIMIT} 项")
        messages.append(Message(
            users, title=f"整改逾期提醒：{len(items)} 项整改措施已逾期",
            body=f"截至 {cn_date(today)}，以下整改措施已超过完成时限（或时间节点），尚未销号：\n" + "\n".join(lines),
            link="/rectification/overdue/", code="rectification.measure.overdue",
            dedupe_key=f"rectification.overdue:{today.isoformat()}",
        ))
    notify_many(messages)


def send_weekly_reminders(week_start: date) -> dict:
    """周提醒: each unit responsible for measures not yet signed off — leading, coordinating or
    supporting — gets one inbox message and email for the week, counting the measures it is on, how
    many it leads, and how many are overdue or awaiting sign-off (the buckets of `selectors`).

    One query for the figures of every unit, one for their people, one `notify_many` for all messages.
    """
    from tongban.rectification.selectors import bucket_aggregates

    figures = bucket_aggregates(week_start, prefix="measure__")
    rows = list(
        MeasureUnit.objects.exclude(measure__status=MeasureStatus.VERIFIED)
        .values("unit_id", "unit__name")
        .annotate(on=Count("measure_id"), led=Count("measure_id", filter=Q(role=UnitRole.LEAD)),
                  overdue=figures["overdue"], overdue_ongoing=figures["overdue_ongoing"],
                  pending=figures["pending_signoff"])
        .order_by("unit__name")
    )
    people: dict[int, list[int]] = {}
    for user_id, unit_id in get_user_model().objects.filter(
        is_active=True, staff__is_active=True, staff__unit_id__in=[row["unit_id"] for row in rows]
    ).values_list("pk", "staff__unit_id"):
        people.setdefault(unit_id, []).append(user_id)
    messages = []
    for row in rows:
        recipients = people.get(row["unit_id"], [])
        if not recipients:
            continue
        late = [f"逾期 {row['overdue']} 项"] if row["overdue"] else []
        late += [f"长期整改时间节点逾期 {row['overdue_ongoing']} 项"] if row["overdue_ongoing"] else []
        late_text = f"，其中{'、'.join(late)}" if late else ""
        messages.append(Message(
            recipients,
            title=f"整改周提醒：{row['unit__name']}负责的 {row['on']} 项整改措施尚未销号{late_text}",
            body=(f"截至 {cn_date(week_start)}，贵单位负责的整改措施中尚未销号 {row['on']} 项"
                  f"（牵头 {row['led']} 项，协调或配合 {row['on'] - row['led']} 项）{late_text}，"
                  f"已申请销号待审核 {row['pending']} 项。请按时限推进，及时填报进展、上传佐证材料。"),
            link=f"/rectification/lists/tasks/?unit={row['unit_id']}",
            code="rectification.weekly_reminder",
            dedupe_key=f"rectification.weekly:{week_start.isoformat()}:{row['unit_id']}",
        ))
    return {"units": len(messages), "messages": notify_many(messages)}


def publish_monthly_bulletin(month: date, *, today: date | None = None) -> tuple[Bulletin, bool]:
    """月通报 for the month starting `month`: figures as of the month's last day, stored once.

    A bulletin once published is not rewritten by a re-run; returns (bulletin, created).
    """
    from tongban.rectification.selectors import bucket_q, measure_buckets

    month = month.replace(day=1)
    existing = Bulletin.objects.filter(month=month).first()
    if existing:
        return existing, False
    today = today or timezone.localdate()
    next_month = add_months(month, 1)
    month_end = next_month - timedelta(days=1)
    cutoff = timezone.make_aware(datetime.combine(next_month, time.min))  # 00:00 of the next month, local
    # As of the month's end: measures that existed then; verified if signed off before the cutoff;
    # overdue if due before the next month began.
    measures = Measure.objects.filter(created_at__lt=cutoff)
    verified_then = Q(verified_at__lt=cutoff)
    buckets = measure_buckets(measures, next_month, verified=verified_then)
    overdue_then = measures.filter(bucket_q(next_month, verified=verified_then)["overdue"])
    verified_in_month = measures.filter(verified_at__gte=timezone.make_aware(datetime.combine(month, time.min)),
                                        verified_at__lt=cutoff).count()
    created_in_month = measures.filter(created_at__date__gte=month).count()
    accountability = Accountability.objects.filter(decided_on__gte=month, decided_on__lt=next_month).count()
    worst = list(
        overdue_then.values("lead_unit__name").annotate(n=Count("pk")).order_by("-n", "lead_unit__name")[:5]
    )
    late = today >= add_months(month, 2)  # published after the month following the reported one
    summary = {
        "month": month.isoformat(), "as_of": month_end.isoformat(), "total": buckets.total,
        "verified": buckets.verified, "ongoing": buckets.ongoing, "open": buckets.open,
        "overdue": buckets.overdue, "overdue_ongoing": buckets.overdue_ongoing,
        "verified_in_month": verified_in_month, "created_in_month": created_in_month,
        "accountability_in_month": accountability,
        "overdue_units": [{"unit": row["lead_unit__name"], "overdue": row["n"]} for row in worst],
        "late": late, "published_on": today.isoformat(),
    }
    label = f"{month.year}年{month.month}月"
    text = (
        f"（补发，{cn_date(today)}）" if late else ""
    ) + (
        f"截至{cn_date(month_end)}，全县共有整改措施{buckets.total}项，其中已整改到位{buckets.verified}项，"
        f"长期持续整改{buckets.ongoing}项"
        + (f"（其中{buckets.overdue_ongoing}项未按时间节点报告进展）" if buckets.overdue_ongoing else "")
        + f"，未完成{buckets.open}项（逾期{buckets.overdue}项）。"
        f"{label}新增整改措施{created_in_month}项，销号{verified_in_month}项，问责{accountability}起。"
    )
    if worst:
        text += "逾期整改措施较多的单位：" + "、".join(f"{row['lead_unit__name']}（{row['n']}项）" for row in worst) + "。"
    with transaction.atomic():
        bulletin, created = Bulletin.objects.get_or_create(month=month, defaults={"summary": summary, "text": text})
        if created:
            record_event(bulletin, "rectification.bulletin.published", f"发布{label}整改工作通报")
            leaders = get_user_model().objects.filter(
                is_active=True, staff__is_active=True,
                staff__role__in=[Role.RECTIFICATION_OFFICE, Role.CENTER_LEADER],
            )
            notify_on_commit(leaders, title=f"{label}整改工作通报", body=text,
                             link=bulletin.get_absolute_url(), code="rectification.bulletin",
                             dedupe_key=f"rectification.bulletin:{month.isoformat()}")
    return bulletin, created
