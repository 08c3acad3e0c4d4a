from django.urls import path

from tongban.archives import views

app_name = "archives"

urlpatterns = [
    path("", views.package_list, name="list"),
    path("verify/", views.verify_upload, name="verify"),
    path("<int:pk>/", views.package_detail, name="package"),
    path("<int:pk>/download/", views.package_download, name="download"),
    path("<int:pk>/verify/", views.package_verify, name="package_verify"),
    path("case/<str:number>/sign/<str:kind>/", views.sign, name="sign"),
    path("case/<str:number>/signatures/", views.signatures, name="signatures"),
    path("case/<str:number>/receipt/", views.receipt, name="receipt"),
    path("signature/<int:pk>/<str:part>/", views.signature_file, name="signature_file"),
]
