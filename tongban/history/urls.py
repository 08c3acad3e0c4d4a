from django.urls import path

from tongban.history import views

app_name = "history"
urlpatterns = [path("<int:content_type_id>/<str:object_id>/", views.timeline, name="timeline")]
