from tongban.rectification.api import views


def register(router) -> None:
    """Register this app's viewsets on the /api/v1/ router."""
    router.register("inspections", views.InspectionViewSet, basename="inspection")
    router.register("findings", views.FindingViewSet, basename="finding")
    router.register("measures", views.MeasureViewSet, basename="measure")
    router.register("evidence", views.EvidenceViewSet, basename="evidence")
    router.register("accountability", views.AccountabilityViewSet, basename="accountability")
    router.register("signals", views.SignalViewSet, basename="signal")


urlpatterns: list = []
