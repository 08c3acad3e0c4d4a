"""/api/v1/: one router; every app registers its viewsets in its own `api/urls.py: register(router)`."""
from importlib import import_module

from django.urls import include, path
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
router.APIRootView.__doc__ = "通办开放接口 v1。认证：`Authorization: Token <令牌>` 或登录会话。"

API_MODULES = [
    "tongban.org.api.urls",
    "tongban.workdays.api.urls",
    "tongban.jobs.api.urls",
    "tongban.notifications.api.urls",
    "tongban.rectification.api.urls",
    "tongban.catalog.api.urls",
    "tongban.cases.api.urls",
    "tongban.terminals.api.urls",
    "tongban.supervision.api.duty",
    "tongban.supervision.api.urls",
    "tongban.projects.api.urls",
    "tongban.feedback.api.urls",
    "tongban.assessment.api.urls",
    "tongban.portal.api.urls",
    "tongban.meetings.api.urls",
    "tongban.licences.api.urls",
    "tongban.archives.api.urls",
    "tongban.staffing.api.urls",
    "tongban.honours.api.urls",
]
extra = []
for name in API_MODULES:
    module = import_module(name)
    module.register(router)
    extra += getattr(module, "urlpatterns", [])

urlpatterns = [*extra, path("", include(router.urls))]
