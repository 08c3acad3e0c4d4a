"""电子监察 (issue 11): clock states, cards and 督办 over the cases' stored clocks (docs/supervision.md);
the morning check and the dashboards (docs/duty.md)."""
from django.urls import path

from tongban.supervision import views

app_name = "supervision"

urlpatterns: list = [
    path("duty/", views.duty, name="duty"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("bulletin/", views.bulletin_download, name="bulletin"),
]
