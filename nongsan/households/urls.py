from django.urls import path

from nongsan.households import urls_import, views

app_name = "households"
urlpatterns = [
    path("", views.household_list_view, name="list"),
    path("dang-ky/", views.household_register_view, name="register"),
    path("cua-toi/", views.my_household_view, name="mine"),
    path("pheu/", views.funnel_view, name="funnel"),
    path("uu-tien/", views.priority_view, name="priority"),
    path("hop-tac-xa/them/", views.cooperative_create_view, name="cooperative_create"),
    path("<int:household_id>/", views.household_detail_view, name="detail"),
    path(
        "<int:household_id>/chung-nhan/<int:certification_id>/ban-scan/",
        views.certification_document_view,
        name="certification_document",
    ),
    path("<int:household_id>/sua/", views.household_edit_view, name="edit"),
    path("<int:household_id>/chung-nhan/", views.certification_add_view, name="certification_add"),
    *urls_import.urlpatterns,
]
