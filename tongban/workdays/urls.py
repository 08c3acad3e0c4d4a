from django.urls import path

from tongban.workdays import views

app_name = "workdays"
urlpatterns = [
    path("", views.calendar_page, name="calendar"),
    path("calculate/", views.calculator, name="calculate"),
    path("import/", views.import_schedule, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("override/", views.override_day, name="override"),
]
