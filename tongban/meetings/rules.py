"""Who may do what with 领导坐班 and the coordination meetings. Seeing is the scope layer's; arranging the rota
and the meetings is for the centre (中心领导, 整改办, 系统管理员), deciding on a duty day for the leader on duty."""
from __future__ import annotations

import rules

from tongban.org.choices import Role
from tongban.org.rules import has_role
from tongban.org.scopes import scope_for

organises = rules.is_superuser | has_role(Role.CENTER_LEADER, Role.RECTIFICATION_OFFICE, Role.SYSTEM_ADMIN)
finds_problems = organises | has_role(Role.INSPECTOR)


@rules.predicate
def sees_anything(user) -> bool:
    return not scope_for(user).is_empty


@rules.predicate
def is_the_leader_on_duty(user, duty) -> bool:
    return duty is not None and duty.leader.user_id is not None and duty.leader.user_id == user.pk


@rules.predicate
def answers_for_unit(user, referral) -> bool:
    """The leader the referral names, or a leader or head (科室/部门负责人, 乡镇管理员) of the unit it is sent to."""
    staff = getattr(user, "staff", None)
    if referral is None or staff is None or not staff.is_active:
        return False
    if referral.leader_id == staff.pk:
        return True
    heads = staff.is_leader or staff.role in (Role.UNIT_HEAD, Role.TOWNSHIP_ADMIN)
    return heads and staff.unit_id == referral.unit_id


rules.add_perm("meetings.view_duty", sees_anything)
rules.add_perm("meetings.manage_duty", organises)
rules.add_perm("meetings.decide_on_duty", organises | is_the_leader_on_duty)
rules.add_perm("meetings.send_referral", finds_problems)
rules.add_perm("meetings.answer_referral", answers_for_unit)
rules.add_perm("meetings.view_meetings", sees_anything)
rules.add_perm("meetings.manage_meetings", organises)
