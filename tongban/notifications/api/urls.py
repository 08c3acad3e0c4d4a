from tongban.notifications.api import views


def register(router) -> None:
    router.register("notifications", views.NotificationViewSet, basename="notification")


urlpatterns: list = []
