from tongban.cases.api import views


def register(router) -> None:
    router.register("cases", views.CaseViewSet, basename="case")
    router.register("review-queue", views.ReviewQueueViewSet, basename="review-queue")


urlpatterns: list = []
