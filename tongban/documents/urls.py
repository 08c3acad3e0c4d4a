from django.urls import path

from tongban.documents import views

app_name = "documents"
urlpatterns = [
    path("<int:pk>/", views.export_page, name="export"),
    path("<int:pk>/progress/", views.export_progress, name="export_progress"),
    path("<int:pk>/download/", views.export_download, name="export_download"),
]
