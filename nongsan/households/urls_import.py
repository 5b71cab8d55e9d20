"""Importing household lists, under /ho/nhap/: splice these patterns into households/urls.py."""

from django.urls import path

from nongsan.households import views_import

# Names live in the "households" namespace: households:import_upload, ...
urlpatterns = [
    path("nhap/", views_import.import_upload_view, name="import_upload"),
    path("nhap/mau.xlsx", views_import.import_template_view, name="import_template"),
    path("nhap/<int:job_id>/", views_import.import_job_view, name="import_job"),
    path("nhap/<int:job_id>/cot/", views_import.import_preview_view, name="import_preview"),
    path(
        "nhap/<int:job_id>/loi.xlsx",
        views_import.import_errors_xlsx_view,
        name="import_errors_xlsx",
    ),
    path(
        "nhap/<int:job_id>/loi.csv", views_import.import_errors_csv_view, name="import_errors_csv"
    ),
]
