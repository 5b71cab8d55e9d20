"""Training pages under /tap-huan/."""

from django.urls import path

from nongsan.training import views

app_name = "training"
urlpatterns = [
    path("", views.session_list_view, name="session_list"),
    path("tao/", views.session_create_view, name="session_create"),
    path("khoa-hoc/tao/", views.course_create_view, name="course_create"),
    path("mau-danh-sach.xlsx", views.attendance_template_view, name="attendance_template"),
    path("cua-toi/", views.my_certificates_view, name="mine"),
    path("<int:session_id>/", views.session_detail_view, name="session_detail"),
    path("<int:session_id>/co-mat/", views.attendance_mark_view, name="attendance_mark"),
    path(
        "<int:session_id>/co-mat/<int:attendance_id>/huy/",
        views.attendance_unmark_view,
        name="attendance_unmark",
    ),
    path(
        "<int:session_id>/nhap-danh-sach/",
        views.attendance_import_view,
        name="attendance_import",
    ),
    path(
        "<int:session_id>/nhap-danh-sach/bao-cao.csv",
        views.attendance_import_report_csv_view,
        name="attendance_import_report",
    ),
    path("chung-nhan/<int:attendance_id>/", views.certificate_view, name="certificate"),
    path("chung-nhan/<int:attendance_id>/pdf/", views.certificate_pdf_view, name="certificate_pdf"),
]
