from tongban.staffing.api import views


def register(router) -> None:
    router.register("staffing/attendance", views.PunchViewSet, basename="staffing-attendance")


urlpatterns: list = []
