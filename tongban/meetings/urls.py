from django.urls import path

from tongban.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/minutes.docx", views.meeting_minutes_docx, name="meeting_minutes_docx"),
    path("duty/", views.duty_list, name="duty_list"),
    path("duty/<int:pk>/", views.duty_detail, name="duty_detail"),
    path("duty/<int:pk>/sheet.docx", views.duty_sheet_docx, name="duty_sheet_docx"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
]
