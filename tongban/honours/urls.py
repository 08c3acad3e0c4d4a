from django.urls import path

from tongban.honours import views

app_name = "honours"

urlpatterns = [
    path("", views.index, name="index"),
    path("kinds/<slug:code>/", views.candidates, name="candidates"),
    path("list/", views.honour_list, name="list"),
    path("list/export.xlsx", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("traits/", views.traits, name="traits"),
]
