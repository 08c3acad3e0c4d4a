from tongban.jobs.api import views


def register(router) -> None:
    router.register("job-runs", views.JobRunViewSet, basename="job-run")


urlpatterns: list = []
