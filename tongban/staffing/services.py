"""Writes of staffing: every one atomic, recorded on a timeline (history)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from tongban.history.services import record_event
from tongban.staffing import rules
from tongban.staffing.models import Inspection, InspectionPhoto, Leave, LeaveKind, LeaveStatus, StaffReturn, Talk


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


def _notify_home_unit(staff, *, title: str, body: str, link: str, code: str) -> int:
    from tongban.notifications.services import notify
    from tongban.staffing.selectors import home_unit_contacts

    return notify(home_unit_contacts(staff.unit), title=title, body=body, link=link, code=code)


@transaction.atomic
def record_talk(*, staff, held_on, reason: str, agreed: str, by) -> Talk:
    """约谈本人, then 通报到原单位: the home unit's heads get a notice in their inbox."""
    if not rules.can_inspect(by):
        raise PermissionDenied("只有中心领导、效能监察或系统管理员可以录入约谈。")
    if not reason.strip() or not agreed.strip():
        raise ValidationError("请填写约谈事由和约谈结果。")
    talk = Talk.objects.create(staff=staff, held_on=held_on, reason=reason.strip(), agreed=agreed.strip(), held_by=by,
                               home_unit=staff.unit)
    record_event(talk, "staffing.talk.recorded", f"约谈{staff.name}：{talk.reason}；约谈结果：{talk.agreed}。", by=by)
    record_event(staff, "staffing.talk.recorded", f"{held_on:%Y-%m-%d} 被约谈：{talk.reason}。", by=by, related=talk)
    _notify_home_unit(staff, title=f"约谈通报：{staff.name}", code="staffing.talk",
                      body=f"{held_on:%Y年%m月%d日}，县行政审批服务中心约谈贵单位派驻人员{staff.name}。事由：{talk.reason}。"
                           f"约谈结果：{talk.agreed}。",
                      link=reverse("staffing:talk_list"))
    return talk


@transaction.atomic
def hand_over(staff, *, to, by) -> list[str]:
    """Pass the person's window and open measures to `to`, through the owning apps' services."""
    from tongban.org.services import update_staff
    from tongban.rectification.services import update_measure
    from tongban.staffing.selectors import open_work

    if not rules.can_inspect(by):
        raise PermissionDenied("只有中心领导、效能监察或系统管理员可以办理交接。")
    if to.pk == staff.pk or not to.is_active:
        raise ValidationError("请选择另一名在岗人员接手。")
    work = open_work(staff)
    done = []
    if work.window is not None:
        window = work.window
        update_staff(to, expected_version=to.version, by=by, window=window)
        update_staff(staff, expected_version=staff.version, by=by, window=None)
        staff.refresh_from_db()
        done.append(f"窗口“{window.name}”")
    for measure in work.measures:
        update_measure(measure, expected_version=measure.version, by=by, responsible_person=to,
                       responsible_person_name=to.name)
        done.append(f"整改措施“{measure}”")
    if done:
        record_event(staff, "staffing.handed_over", f"{staff.name}将{'、'.join(done)}交接给{to.name}。", by=by,
                     to=to.pk)
    return done


@transaction.atomic
def return_staff(staff, *, returned_on, reason: str, by) -> StaffReturn:
    """退回原单位: only after the window and open work were handed over; the person is no longer 在岗 at the
    centre (their login keeps nothing to do here), the home unit is notified."""
    from tongban.org.models import Staff
    from tongban.org.services import update_staff
    from tongban.staffing.selectors import open_work

    if not rules.can_inspect(by):
        raise PermissionDenied("只有中心领导、效能监察或系统管理员可以办理退回。")
    staff = Staff.objects.select_for_update(of=("self",)).select_related("unit", "window").get(pk=staff.pk)
    if not staff.is_active:
        raise ValidationError(f"{staff.name}已不在岗，不能重复退回。")
    if not reason.strip():
        raise ValidationError("请填写退回原因。")
    work = open_work(staff)
    if not work.empty:
        raise ValidationError(f"{staff.name}还有未交接的工作：{work.describe()}。请先交接给其他人员，再办理退回。")
    returned = StaffReturn.objects.create(staff=staff, returned_on=returned_on, reason=reason.strip(),
                                          home_unit=staff.unit, decided_by=by)
    update_staff(staff, expected_version=staff.version, by=by, is_active=False)
    record_event(staff, "staffing.returned", f"{returned_on:%Y-%m-%d} 退回{staff.unit.name}：{returned.reason}。",
                 by=by, related=returned)
    record_event(returned, "staffing.returned", f"退回{staff.name}到{staff.unit.name}：{returned.reason}。", by=by)
    _notify_home_unit(staff, title=f"人员退回通知：{staff.name}", code="staffing.return",
                      body=f"经研究，贵单位派驻县行政审批服务中心的{staff.name}自{returned_on:%Y年%m月%d日}起退回原单位。"
                           f"原因：{returned.reason}。",
                      link=reverse("staffing:talk_list"))
    return returned
