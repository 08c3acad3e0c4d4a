"""Who may do what in the rectification loop (django-rules). What they may *see* is the scope layer's
job (`Measure.objects.visible_to`).

- the people of a unit on the measure (lead, coordinating, supporting), within their own scope, report
  progress and upload evidence; the lead unit's people also submit for sign-off and report checkpoints;
- the rectification office, the centre's leaders and the administrators manage inspections, sign off,
  return, schedule and record 回头看, and record 问责. Read-only roles (效能监察) do neither.
"""
from __future__ import annotations

import rules

from tongban.org.choices import COUNTY_WIDE_ROLES, Role
from tongban.org.rules import has_role
from tongban.org.scopes import scope_for, scope_q
from tongban.rectification.choices import UnitRole
from tongban.rectification.models import Measure, MeasureUnit

# The roles that manage the loop and sign off (todo.signers_for reads the candidates from this, then asks
# the rule itself).
MANAGER_ROLES = (Role.RECTIFICATION_OFFICE, Role.CENTER_LEADER, Role.SYSTEM_ADMIN)
is_rectification_manager = rules.is_superuser | has_role(*MANAGER_ROLES)


def _unit_in_scope(user, measure: Measure | None, roles: tuple[str, ...]) -> bool:
    """A unit with one of `roles` on the measure lies inside the user's own (not county-wide) scope."""
    if measure is None:
        return False
    scope = scope_for(user)
    if scope.is_empty or scope.everything or scope.role in COUNTY_WIDE_ROLES:
        return False
    on_measure = MeasureUnit.objects.filter(measure_id=measure.pk, role__in=roles)
    return on_measure.filter(scope_q(MeasureUnit, scope)).exists()


@rules.predicate
def works_on_measure(user, measure) -> bool:
    return _unit_in_scope(user, measure, tuple(UnitRole.values))


@rules.predicate
def leads_measure(user, measure) -> bool:
    return _unit_in_scope(user, measure, (UnitRole.LEAD,))


rules.add_perm("rectification.manage", is_rectification_manager)  # inspections, findings, measures, import
rules.add_perm("rectification.report_progress", is_rectification_manager | works_on_measure)
rules.add_perm("rectification.submit_measure", is_rectification_manager | leads_measure)
rules.add_perm("rectification.signoff_measure", is_rectification_manager)  # verify or return
rules.add_perm("rectification.manage_revisits", is_rectification_manager)
rules.add_perm("rectification.record_accountability", is_rectification_manager)
rules.add_perm("rectification.set_group", is_rectification_manager)  # 整改工作领导小组及其办公室
rules.add_perm("rectification.manage_plans", is_rectification_manager)  # 工作方案及其任务


@rules.predicate
def is_county_wide(user) -> bool:
    """Sees every unit (县级角色, superusers): county-wide figures never mix in what one may not see."""
    return scope_for(user).everything


# 整改进展情况报告 / 整改工作方案 (.docx) hold the whole inspection's figures; the 月通报 the county's.
rules.add_perm("rectification.download_reports", is_rectification_manager | is_county_wide)
rules.add_perm("rectification.view_bulletins", is_rectification_manager | is_county_wide)

# The signals (issue 16) are for those who look into rectification: the office and the leaders (who also
# decide on them, through 回头看 and 问责) and the discipline inspectors (效能监察, who read them). A unit
# does not see the prompts about its own measures: they are the inspectors' leads, not a verdict.
rules.add_perm("rectification.view_signals", is_rectification_manager | has_role(Role.INSPECTOR))
rules.add_perm("rectification.decide_signal", is_rectification_manager)

# Which permission each sign-off transition (services.TRANSITIONS) needs.
TRANSITION_PERMS = {
    "submit": "rectification.submit_measure",
    "verify": "rectification.signoff_measure",
    "return": "rectification.signoff_measure",
}
