from django.urls import path

from tongban.licences.api import views


def register(router) -> None:
    router.register("licences", views.LicenceViewSet, basename="licence")


urlpatterns = [path("licence-uses/", views.LicenceUseView.as_view(), name="licence-use")]
