"""系统管理: the project policy (one row) and the four stages' setup. Projects themselves change only through
the services (the pages, the API)."""
from django.contrib import admin

from tongban.projects import models as m

admin.site.register(m.ProjectSettings)
admin.site.register(m.StageSetup, list_display=["stage", "bundle", "lead_unit", "limit_workdays"],
                    filter_horizontal=["commitment_items"])
