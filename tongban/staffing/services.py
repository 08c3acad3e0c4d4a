"""Writes of staffing: every one atomic, recorded on a timeline (history)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tongban.history.services import record_event
from tongban.staffing import rules
from tongban.staffing.models import Inspection, InspectionPhoto, Leave, LeaveKind, LeaveStatus


@transaction.atomic
def enter_leave(*, staff, kind: str, first_day, last_day, reason: str, by) -> Leave:
    """Leave or field work entered by the chief (approved at once) or asked for by others (待审批)."""
    if not rules.can_enter_leave(by, staff):
        raise PermissionDenied("您无权为该人员登记请假或外勤。")
    if last_day < first_day:
        raise ValidationError({"last_day": "结束日期不能早于开始日期。"})
    if not reason.strip():
        raise ValidationError({"reason": "请填写事由。"})
    approved = rules.can_approve_leave(by, staff)
    leave = Leave.objects.create(staff=staff, kind=kind, first_day=first_day, last_day=last_day, reason=reason.strip(),
                                 status=LeaveStatus.APPROVED if approved else LeaveStatus.PENDING, entered_by=by,
                                 decided_by=by if approved else None)
    label = LeaveKind(kind).label
    record_event(leave, "staffing.leave.entered",
                 f"登记{label}：{staff.name} {first_day}—{last_day}，{leave.reason}（{leave.get_status_display()}）。", by=by)
    return leave


@transaction.atomic
def decide_leave(leave: Leave, *, approve: bool, by) -> Leave:
    leave = Leave.objects.select_for_update().select_related("staff").get(pk=leave.pk)
    if not rules.can_approve_leave(by, leave.staff):
        raise PermissionDenied("您无权审批该人员的请假或外勤。")
    if leave.status != LeaveStatus.PENDING:
        raise ValidationError("该申请已审批。")
    leave.status = LeaveStatus.APPROVED if approve else LeaveStatus.REJECTED
    leave.decided_by = by
    leave.save(update_fields=["status", "decided_by"])
    record_event(leave, "staffing.leave.decided", f"{leave.get_status_display()}：{leave}。", by=by)
    return leave




PHOTO_TYPES = (".jpg", ".jpeg", ".png")


@transaction.atomic
def record_inspection(*, staff, inspected_on, aspect: str, finding: str = "", photos=(), by) -> Inspection:
    """周督查 by the centre's inspectors: photos pass the one upload check before anything is stored."""
    from tongban.core.uploads import check_upload

    if not rules.can_inspect(by):
        raise PermissionDenied("只有中心督查人员（效能监察、中心领导、系统管理员）可以录入周督查。")
    for photo in photos:
        check_upload(photo, PHOTO_TYPES)
    inspection = Inspection.objects.create(staff=staff, window=staff.window, inspected_on=inspected_on, aspect=aspect,
                                           finding=finding.strip(), inspector=by)
    for photo in photos:
        stored = InspectionPhoto(inspection=inspection, original_name=photo.name[:200],
                                 extension=photo.name.rsplit(".", 1)[-1].lower()[:10], size=photo.size)
        stored.file.save(photo.name, photo, save=False)
        stored.save()
    outcome = f"发现问题：{inspection.finding}" if inspection.has_finding else "未发现问题"
    record_event(inspection, "staffing.inspection.recorded",
                 f"周督查（{inspection.get_aspect_display()}）{staff.name}：{outcome}。", by=by)
    return inspection
