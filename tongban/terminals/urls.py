from django.urls import path

from tongban.terminals import views

app_name = "terminals"

urlpatterns = [
    path("", views.terminal_list, name="list"),
    path("<int:pk>/token/", views.issue_token, name="issue_token"),
]
