from django.urls import path

from tongban.feedback import views

app_name = "feedback"

urlpatterns = [
    # public (no login)
    path("rate/<str:token>/", views.rate, name="rate"),
    path("qr/<str:token>.svg", views.rating_qr, name="rating_qr"),
    path("callback/<str:token>/", views.callback_answer, name="callback_answer"),
    path("complain/", views.complaint_form, name="complaint_form"),
    path("wall/", views.wall, name="wall"),
    path("figures/", views.figures, name="figures"),
    # staff
    path("counter/", views.counter, name="counter"),
    path("ratings/", views.rating_list, name="rating_list"),
    path("ratings/<int:pk>/", views.record_detail, {"kind": "rating"}, name="rating_detail"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/", views.record_detail, {"kind": "complaint"}, name="complaint_detail"),
    path("complaints/import/", views.hotline_import, name="hotline_import"),
    path("complaints/new/", views.complaint_register, name="complaint_register"),
    path("callbacks/", views.callback_list, name="callback_list"),
    path("callbacks/sample/", views.callback_sample, name="callback_sample"),
    path("callbacks/<int:pk>/", views.record_detail, {"kind": "callback"}, name="callback_detail"),
    path("callbacks/<int:pk>/sheet/", views.callback_sheet, name="callback_sheet"),
    path("<str:kind>/<int:pk>/<str:action>/", views.record_action, name="action"),
    path("loop/", views.loop, name="loop"),
]
