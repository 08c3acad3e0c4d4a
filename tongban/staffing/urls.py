from django.urls import path

from tongban.staffing import views

app_name = "staffing"

urlpatterns = [
    path("attendance/", views.attendance_sheet, name="attendance"),
    path("attendance/export/", views.attendance_export, name="attendance_export"),
    path("attendance/import/", views.attendance_import, name="attendance_import"),
    path("leave/", views.leave_list, name="leave_list"),
    path("leave/<int:pk>/decide/", views.leave_decide, name="leave_decide"),
]
