from django.urls import path

from tongban.org import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("windows/", views.window_list, name="window_list"),
    path("windows/<int:pk>/", views.window_detail, name="window_detail"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("export.xlsx", views.export_workbook, name="export"),
]
