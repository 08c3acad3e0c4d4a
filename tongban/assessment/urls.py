from django.urls import path

from tongban.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.month_list, name="months"),
    path("score/", views.score, name="score"),
    path("months/<str:key>/", views.month_detail, name="month"),
    path("months/<str:key>/lock/", views.lock, name="lock"),
    path("months/<str:key>/publish/", views.publish, name="publish"),
    path("months/<str:key>/notice.docx", views.notice, name="notice"),
    path("sheets/<int:pk>/", views.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/manual/", views.add_manual, name="add_manual"),
    path("items/<int:pk>/object/", views.object_to_item, name="object"),
    path("items/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("objections/<int:pk>/decide/", views.decide, name="decide"),
    path("schemes/", views.scheme_list, name="schemes"),
    path("schemes/import/", views.scheme_import, name="scheme_import"),
    path("schemes/<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<int:pk>/export.xlsx", views.scheme_export, name="scheme_export"),
    path("unit-points/", views.unit_points_page, name="unit_points"),
    path("unit-points/import/", views.unit_points_import, name="unit_points_import"),
    path("policies/", views.policies, name="policies"),
    path("policies/export.json", views.policies_export, name="policies_export"),
    path("board/", views.public_board, name="public_board"),
]
