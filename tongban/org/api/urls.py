from tongban.org.api import views


def register(router) -> None:
    router.register("units", views.UnitViewSet, basename="unit")
    router.register("windows", views.WindowViewSet, basename="window")
    router.register("staff", views.StaffViewSet, basename="staff")


urlpatterns: list = []
