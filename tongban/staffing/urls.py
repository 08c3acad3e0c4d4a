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

urlpatterns += [
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/photos/<int:pk>/", views.inspection_photo, name="inspection_photo"),
    path("bulletin/", views.bulletin_page, name="bulletin"),
    path("bulletin/docx/", views.bulletin_docx, name="bulletin_docx"),
]

urlpatterns += [
    path("talks/", views.talk_list, name="talk_list"),
    path("staff/<int:pk>/return/", views.staff_return, name="staff_return"),
]
