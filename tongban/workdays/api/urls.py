from django.urls import path

from tongban.workdays.api import views


def register(router) -> None:
    """Register this app's viewsets on the /api/v1/ router."""
    router.register("days", views.DayViewSet, basename="day")
    router.register("calendar-years", views.CalendarYearViewSet, basename="calendar-year")


urlpatterns: list = [
    path("workdays/add/", views.AddWorkdaysView.as_view(), name="workdays-add"),
    path("workdays/between/", views.WorkdaysBetweenView.as_view(), name="workdays-between"),
]
