"""Who may change the calendar (django-rules). Everyone signed in may read it."""
import rules

from tongban.org.rules import is_county_admin

# Superusers, 中心领导 and 系统管理员: import a year's schedule, set a day by hand.
rules.add_perm("workdays.manage_calendar", is_county_admin)
