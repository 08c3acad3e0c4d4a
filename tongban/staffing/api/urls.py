from tongban.staffing.api import views


def register(router) -> None:
    router.register("staffing/attendance", views.PunchViewSet, basename="staffing-attendance")
    router.register("staffing/inspections", views.InspectionViewSet, basename="staffing-inspection")


urlpatterns: list = []
