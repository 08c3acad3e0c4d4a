from django.urls import path

from tongban.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.item_list, name="item_list"),
    path("items/<int:pk>/", views.item_detail, name="item_detail"),
    path("consistency/", views.consistency, name="consistency"),
    path("bundles/", views.bundle_list, name="bundle_list"),
    path("bundles/<slug:slug>/", views.bundle_detail, name="bundle_detail"),
    path("delegation/", views.delegation, name="delegation"),
    path("delegation/<int:pk>/revoke/", views.revoke_delegation, name="revoke_delegation"),
    path("townships/<int:pk>/", views.township_catalogue, name="township_catalogue"),
    path("intermediaries/", views.intermediary_list, name="intermediary_list"),
    path("intermediaries/<int:pk>/", views.intermediary_detail, name="intermediary_detail"),
    path("filings/<int:pk>/", views.filing_download, name="filing_download"),
    path("negative-list/", views.negative_list, name="negative_list"),
    path("negative-list/<int:pk>/resolve/", views.resolve_negative, name="resolve_negative"),
    path("negative-list/export.xlsx", views.negative_export, name="negative_export"),
    path("import/", views.import_page, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("export.xlsx", views.export_workbook, name="export"),
]
