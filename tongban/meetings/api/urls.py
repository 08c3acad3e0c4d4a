from tongban.meetings.api import views


def register(router) -> None:
    router.register("duty-rota", views.DutyRotaViewSet, basename="duty-rota")
    router.register("referrals", views.ReferralViewSet, basename="referral")
    router.register("meetings", views.MeetingViewSet, basename="meeting")
