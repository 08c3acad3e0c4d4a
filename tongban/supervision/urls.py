"""电子监察 (issue 11): clock states, cards and 督办 over the cases' stored clocks (docs/supervision.md);
the morning check and the dashboards (docs/duty.md)."""
from django.urls import path

from tongban.supervision import views, views_orders

app_name = "supervision"

urlpatterns: list = [
    path("duty/", views.duty, name="duty"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("bulletin/", views.bulletin_download, name="bulletin"),
    path("orders/", views_orders.urge_list, name="urge_list"),
    path("orders/<int:pk>/", views_orders.urge_detail, name="urge_detail"),
    path("orders/<int:pk>/reply/", views_orders.urge_reply, name="urge_reply"),
]
