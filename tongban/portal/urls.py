from django.urls import path

from tongban.portal import apply, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("items/<str:code>/", views.item, name="item"),
    path("bundles/<slug:slug>/", views.bundle, name="bundle"),
    path("points/", views.point_list, name="points"),
    path("points/<slug:code>/", views.point_detail, name="point"),
    path("points/<slug:code>/windows/<slug:window>/", views.window_detail, name="window"),
    path("intermediaries/", views.intermediaries, name="intermediaries"),
    path("delegated/", views.delegated, name="delegated"),
    path("track/", views.track, name="track"),
    path("track/<str:token>/", apply.track_token, name="track_token"),
    path("apply/", apply.apply_list, name="apply"),
    path("apply/items/<str:code>/", apply.apply_item, name="apply_item"),
    path("apply/bundles/<slug:slug>/", apply.apply_bundle, name="apply_bundle"),
]
