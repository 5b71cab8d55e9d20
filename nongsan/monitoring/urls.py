from django.urls import path

from nongsan.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("bao-cao/", views.report_view, name="report"),
    path("bao-cao/xlsx/", views.report_xlsx_view, name="report_xlsx"),
    path("bao-cao/toan-quoc.xlsx", views.national_workbook_view, name="national_workbook"),
    path("chi-tieu/", views.targets_view, name="targets"),
    path("nop-bao-cao/", views.filing_view, name="filing"),
    path("nop-bao-cao/<int:pk>.<str:fmt>", views.submission_download_view, name="submission_file"),
    path("tinh-hinh-nop/", views.filing_board_view, name="filing_board"),
    path("tong-quan/", views.dashboard_view, name="dashboard"),
]
