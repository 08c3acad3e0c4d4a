from django.urls import path

from tongban.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("run/", views.run_now, name="run_now"),
    path("runs/<int:pk>/", views.run_detail, name="detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="progress"),
]
