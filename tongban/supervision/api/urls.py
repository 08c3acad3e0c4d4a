from tongban.supervision.api import views


def register(router) -> None:
    router.register("supervision/cards", views.CardViewSet, basename="supervision-card")
    router.register("supervision/urges", views.UrgeViewSet, basename="supervision-urge")


urlpatterns: list = []
