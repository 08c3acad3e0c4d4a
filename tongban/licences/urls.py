from django.urls import path

from tongban.licences import views

app_name = "licences"

urlpatterns = [
    path("", views.licence_list, name="list"),
    path("import/", views.import_page, name="import"),
    path("<int:pk>/", views.licence_detail, name="detail"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    path("<int:pk>/seal/", views.seal_licence, name="seal"),
    path("<int:pk>/document/", views.licence_document, name="document"),
    path("intake-offers/", views.intake_offers, name="intake_offers"),
    path("case/<str:number>/", views.case_licences, name="case"),
    path("case/<str:number>/seal/<str:kind>/", views.seal_notice, name="seal_notice"),
    path("sealed/<int:pk>/", views.sealed_file, name="sealed_file"),
    # Public (no login): the QR code's target and the check of an uploaded sealed PDF.
    path("v/<str:token>/", views.verify, name="verify"),
    path("verify/", views.verify_upload, name="verify_upload"),
]
