from django.urls import path

from tongban.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("items/<str:code>/", views.item, name="item"),
    path("bundles/<slug:slug>/", views.bundle, name="bundle"),
    path("points/", views.point_list, name="points"),
    path("points/<slug:code>/", views.point_detail, name="point"),
    path("intermediaries/", views.intermediaries, name="intermediaries"),
    path("delegated/", views.delegated, name="delegated"),
    path("track/", views.track, name="track"),
]
