from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tongban.core import views as core_views
from tongban.portal import views as portal_views

api_v1 = [
    path("", include("tongban.core.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", portal_views.home, name="site_root"),  # citizens land on the public portal; staff log in from its corner
    path("workbench/", core_views.home, name="home"),  # 工作台: each person's to-do list
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", core_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", core_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("account/tokens/", core_views.my_tokens, name="my_tokens"),
    path("org/", include("tongban.org.urls")),
    path("calendar/", include("tongban.workdays.urls")),
    path("jobs/", include("tongban.jobs.urls")),
    path("inbox/", include("tongban.notifications.urls")),
    path("history/", include("tongban.history.urls")),
    path("rectification/", include("tongban.rectification.urls")),
    path("catalog/", include("tongban.catalog.urls")),
    path("cases/", include("tongban.cases.urls")),
    path("supervision/", include("tongban.supervision.urls")),
    path("projects/", include("tongban.projects.urls")),
    path("terminals/", include("tongban.terminals.urls")),
    path("feedback/", include("tongban.feedback.urls")),
    path("licences/", include("tongban.licences.urls")),
    path("archives/", include("tongban.archives.urls")),
    path("assessment/", include("tongban.assessment.urls")),
    path("portal/", include("tongban.portal.urls")),
    path("meetings/", include("tongban.meetings.urls")),
    path("staffing/", include("tongban.staffing.urls")),
    path("honours/", include("tongban.honours.urls")),
    path("exports/", include("tongban.documents.urls")),
    path("api/v1/", include(api_v1)),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "通办 · 系统管理"
admin.site.site_title = "通办"
admin.site.index_title = "数据管理"
