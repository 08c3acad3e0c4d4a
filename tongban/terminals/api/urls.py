from django.urls import path

from tongban.terminals.api import views


def register(router) -> None:
    router.register("terminals", views.TerminalViewSet, basename="terminal")


urlpatterns = [path("terminals/heartbeat/", views.HeartbeatView.as_view(), name="terminal-heartbeat")]
