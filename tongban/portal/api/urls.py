from tongban.portal.api import views


def register(router) -> None:
    router.register("public/items", views.PublicItemViewSet, basename="public-item")
    router.register("public/bundles", views.PublicBundleViewSet, basename="public-bundle")
    router.register("public/service-points", views.ServicePointViewSet, basename="public-service-point")


urlpatterns: list = []
