"""工程建设项目 (issue 12): the ledger, 项目登记, the project page and its actions, the to-dos, the dashboard."""
from django.urls import path

from tongban.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_new, name="new"),
    path("todo/", views.todo, name="todo"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/action/", views.project_action, name="action"),
    path("commitments/<int:pk>/verify/", views.verify, name="verify"),
]
