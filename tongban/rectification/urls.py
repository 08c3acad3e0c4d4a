from django.urls import path

from tongban.rectification import views

app_name = "rectification"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_edit, name="inspection_create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/edit/", views.inspection_edit, name="inspection_edit"),
    path("inspections/<int:pk>/group/", views.inspection_group, name="inspection_group"),
    path("inspections/<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("findings/<int:finding_pk>/measures/new/", views.measure_edit, name="measure_create"),
    path("measures/<int:pk>/", views.measure_detail, name="measure_detail"),
    path("measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/<slug:action>/", views.measure_action, name="measure_action"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("lists/<slug:slug>/", views.list_page, name="list"),
    path("overdue/", views.overdue_list, name="overdue"),
    path("signoff/", views.signoff_list, name="signoff_list"),
    path("accountability/", views.accountability_list, name="accountability_list"),
    path("signals/", views.signal_list, name="signal_list"),
    path("signals/<int:pk>/decide/", views.signal_decide, name="signal_decide"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/tasks/new/", views.plan_task_create, name="plan_task_create"),
    path("bulletins/", views.bulletin_list, name="bulletin_list"),
    path("inspections/<int:pk>/ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("inspections/<int:pk>/reports/<slug:kind>.docx", views.report_download, name="report"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/runs/<int:pk>/", views.import_run, name="import_run"),
    path("import/runs/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("import/<slug:token>/", views.import_preview, name="import_preview"),
]
