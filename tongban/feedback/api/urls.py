from tongban.feedback.api import views


def register(router) -> None:
    router.register("feedback/ratings", views.RatingViewSet, basename="feedback-rating")
    router.register("feedback/complaints", views.ComplaintViewSet, basename="feedback-complaint")


urlpatterns: list = []
