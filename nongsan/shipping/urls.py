"""Delivery pages: parcels (/van-don/), carrier staff (/van-chuyen/), claims (/khieu-nai/),
priority vehicle cards (/the-uu-tien/, whose check page is public)."""

from django.urls import path

from nongsan.shipping import views

app_name = "shipping"
urlpatterns = [
    path("ban-hang/don/<str:number>/gui-hang/", views.book_view, name="book"),
    path("don/<str:number>/van-don/", views.track_view, name="track"),
    path("van-don/<str:tracking_number>/", views.detail_view, name="detail"),
    path("van-don/<str:tracking_number>/nhan/", views.label_view, name="label"),
    path("van-don/<str:tracking_number>/su-kien/", views.event_view, name="event"),
    path("van-don/<str:tracking_number>/khieu-nai/", views.claim_open_view, name="claim_open"),
    path("van-chuyen/", views.carrier_home_view, name="carrier_home"),
    path("van-chuyen/chuyen-lay-hang/<int:commune_id>/", views.run_view, name="run"),
    path("khieu-nai/", views.claim_list_view, name="claims"),
    path("khieu-nai/<int:claim_id>/", views.claim_view, name="claim"),
    path(
        "khieu-nai/<int:claim_id>/anh/<int:photo_id>/", views.claim_photo_view, name="claim_photo"
    ),
    path("gian-cach/", views.distancing_view, name="distancing"),
    path("the-uu-tien/", views.cards_view, name="cards"),
    path("the-uu-tien/<str:code>/duyet/", views.card_decide_view, name="card_decide"),
    path("the-uu-tien/<str:code>/in/", views.card_print_view, name="card_print"),
    path("the-uu-tien/<str:code>/kiem-tra/", views.card_check_view, name="card_check"),
]
