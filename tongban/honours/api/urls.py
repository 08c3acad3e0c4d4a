from tongban.honours.api import views


def register(router) -> None:
    router.register("honours", views.HonourViewSet, basename="honour")


urlpatterns: list = []
