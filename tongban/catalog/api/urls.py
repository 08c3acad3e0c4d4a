from tongban.catalog.api import views


def register(router) -> None:
    router.register("catalog/items", views.ServiceItemViewSet, basename="catalog-item")
    router.register("catalog/materials", views.ItemMaterialViewSet, basename="catalog-material")
    router.register("catalog/bundles", views.BundleViewSet, basename="catalog-bundle")
    router.register("catalog/delegations", views.DelegationViewSet, basename="catalog-delegation")
    router.register("catalog/intermediaries", views.IntermediaryViewSet, basename="catalog-intermediary")


urlpatterns: list = []
