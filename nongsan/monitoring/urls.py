from django.urls import path

from nongsan.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("bao-cao/", views.report_view, name="report"),
    path("bao-cao/xlsx/", views.report_xlsx_view, name="report_xlsx"),
    path("chi-tieu/", views.targets_view, name="targets"),
]
