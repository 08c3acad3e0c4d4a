"""Choices of the org app: English codes, Chinese labels, colours for badges."""
from django.db import models


class WindowKind(models.TextChoices):
    HELP_DESK = "help_desk", "帮办咨询"
    INTAKE = "intake", "综合受理"
    DELIVERY = "delivery", "统一出件"
    SPECIALIST = "specialist", "专业窗口"


WINDOW_KIND_COLORS = {
    WindowKind.HELP_DESK: "info",
    WindowKind.INTAKE: "primary",
    WindowKind.DELIVERY: "success",
    WindowKind.SPECIALIST: "secondary",
}


class Role(models.TextChoices):
    """What a person may see and do. Data scopes are derived from the role and the unit tree."""

    CENTER_LEADER = "center_leader", "中心领导"
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    RECTIFICATION_OFFICE = "rectification_office", "整改办"
    UNIT_HEAD = "unit_head", "科室/部门负责人"
    WINDOW_CLERK = "window_clerk", "窗口人员"
    TOWNSHIP_ADMIN = "township_admin", "乡镇管理员"
    INSPECTOR = "inspector", "效能监察"
    STAFF = "staff", "工作人员"


# Roles whose scope is the whole county (read); writes are decided by rules, not by scope.
COUNTY_WIDE_ROLES = {Role.CENTER_LEADER, Role.SYSTEM_ADMIN, Role.RECTIFICATION_OFFICE, Role.INSPECTOR}
# Roles whose scope is their own unit and everything below it.
SUBTREE_ROLES = {Role.UNIT_HEAD, Role.TOWNSHIP_ADMIN}
