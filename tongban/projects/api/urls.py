from tongban.projects.api import views


def register(router) -> None:
    router.register("projects", views.ProjectViewSet, basename="project")


urlpatterns: list = []
