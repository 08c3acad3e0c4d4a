from tongban.cases.api import views


def register(router) -> None:
    router.register("cases", views.CaseViewSet, basename="case")


urlpatterns: list = []
