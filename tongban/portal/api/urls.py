from tongban.portal.api import views


def register(router) -> None:
    router.register("public/items", views.PublicItemViewSet, basename="public-item")
    router.register("public/bundles", views.PublicBundleViewSet, basename="public-bundle")
    router.register("public/delegations", views.PublicDelegationViewSet, basename="public-delegation")
    router.register("public/intermediaries", views.PublicIntermediaryViewSet, basename="public-intermediary")
    router.register("public/service-points", views.ServicePointViewSet, basename="public-service-point")


urlpatterns: list = []
