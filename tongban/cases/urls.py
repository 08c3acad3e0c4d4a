from django.urls import path

from tongban.cases import views, views_province

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.intake_form, name="intake"),
    path("intake/", views.intake_queue, name="intake_queue"),
    path("review/", views.review_queue, name="review_queue"),
    path("delivery/", views.delivery_queue, name="delivery_queue"),
    path("province/", views_province.province_import, name="province_import"),
    path("province/export/", views_province.province_export, name="province_export"),
    path("province/<slug:token>/", views_province.province_preview, name="province_preview"),
    path("channels/", views.channels, name="channels"),
    path("<str:number>/", views.case_detail, name="case_detail"),
    path("<str:number>/act/", views.case_action, name="case_action"),
    path("<str:number>/reveal/", views.reveal, name="reveal"),
    path("<str:number>/files/<int:pk>/", views.case_file, name="case_file"),
    path("<str:number>/notice/<str:kind>/", views.notice, name="notice"),
]
